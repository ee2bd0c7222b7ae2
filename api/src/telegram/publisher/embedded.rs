//! The worker inside `warta serve`: GraphQL operations executed in-process against the schema,
//! as the worker principal (the same operations `warta worker` sends over HTTP).

use serde_json::Value;

use super::worker::{WorkerApi, WorkerError};
use crate::{auth::Principal, graphql::WartaSchema, service::Services};

pub struct InProcess {
    schema: WartaSchema,
    services: Services,
    principal: Principal,
}

impl InProcess {
    pub fn new(schema: WartaSchema, services: Services, principal: Principal) -> Self {
        Self {
            schema,
            services,
            principal,
        }
    }
}

impl WorkerApi for InProcess {
    async fn execute(&self, query: &'static str, variables: Value) -> Result<Value, WorkerError> {
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables))
            .data(self.principal.clone());
        let response = self.schema.execute(request).await;
        if !response.errors.is_empty() {
            let messages: Vec<String> = response.errors.iter().map(|e| e.message.clone()).collect();
            return Err(WorkerError::Api(messages.join("; ")));
        }
        response
            .data
            .into_json()
            .map_err(|e| WorkerError::Api(e.to_string()))
    }

    async fn download(&self, attachment_id: i64) -> Result<Vec<u8>, WorkerError> {
        self.services
            .attachment_for(&self.principal, attachment_id)
            .await
            .map(|(_, bytes)| bytes)
            .map_err(|e| WorkerError::Api(e.to_string()))
    }
}
