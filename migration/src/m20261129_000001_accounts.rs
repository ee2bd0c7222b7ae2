//! People who sign in (`user`), the roles they hold (`user_role`), their refresh tokens
//! (`refresh_token`) and the machine clients (`api_client`).

use sea_orm_migration::prelude::*;

use crate::util::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(User::Table)
                    .col(pk_id(User::Id))
                    .col(string(User::Username, 64))
                    .col(string(User::FullName, 200))
                    .col(string_null(User::Unit, 200))
                    .col(string(User::PasswordHash, 255))
                    .col(boolean(User::Active, true))
                    .col(big_null(User::TelegramUserId))
                    .col(
                        ColumnDef::new(User::Locale)
                            .string_len(8)
                            .not_null()
                            .default("id"),
                    )
                    .col(ts(User::CreatedAt))
                    .col(ts(User::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_user_username",
            User::Table,
            vec![User::Username],
            true,
        )
        .await?;
        index(
            manager,
            "idx_user_telegram_user_id",
            User::Table,
            vec![User::TelegramUserId],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(UserRole::Table)
                    .col(big(UserRole::UserId))
                    .col(string(UserRole::Role, 32))
                    .col(ts(UserRole::CreatedAt))
                    .primary_key(
                        Index::create()
                            .name("pk_user_role")
                            .col(UserRole::UserId)
                            .col(UserRole::Role),
                    )
                    .foreign_key(&mut fk(
                        "fk_user_role_user_id",
                        UserRole::Table,
                        UserRole::UserId,
                        User::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_user_role_role",
            UserRole::Table,
            vec![UserRole::Role],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshToken::Table)
                    .col(pk_id(RefreshToken::Id))
                    .col(big(RefreshToken::UserId))
                    .col(string(RefreshToken::FamilyId, 36))
                    .col(string(RefreshToken::TokenHash, 64))
                    .col(ts(RefreshToken::CreatedAt))
                    .col(ts(RefreshToken::ExpiresAt))
                    .col(ts_null(RefreshToken::UsedAt))
                    .col(ts_null(RefreshToken::RevokedAt))
                    .foreign_key(&mut fk(
                        "fk_refresh_token_user_id",
                        RefreshToken::Table,
                        RefreshToken::UserId,
                        User::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_refresh_token_token_hash",
            RefreshToken::Table,
            vec![RefreshToken::TokenHash],
            true,
        )
        .await?;
        index(
            manager,
            "idx_refresh_token_family_id",
            RefreshToken::Table,
            vec![RefreshToken::FamilyId],
            false,
        )
        .await?;
        index(
            manager,
            "idx_refresh_token_user_id",
            RefreshToken::Table,
            vec![RefreshToken::UserId],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiClient::Table)
                    .col(pk_id(ApiClient::Id))
                    .col(string(ApiClient::ClientId, 64))
                    .col(string(ApiClient::Name, 200))
                    .col(string(ApiClient::SecretHash, 255))
                    .col(string(ApiClient::Scopes, 500))
                    .col(ts(ApiClient::CreatedAt))
                    .col(ts_null(ApiClient::RevokedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_api_client_client_id",
            ApiClient::Table,
            vec![ApiClient::ClientId],
            true,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                ApiClient::Table.into_iden(),
                RefreshToken::Table.into_iden(),
                UserRole::Table.into_iden(),
                User::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden)]
pub enum User {
    Table,
    Id,
    Username,
    FullName,
    Unit,
    PasswordHash,
    Active,
    TelegramUserId,
    Locale,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UserRole {
    Table,
    UserId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RefreshToken {
    Table,
    Id,
    UserId,
    FamilyId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
pub enum ApiClient {
    Table,
    Id,
    ClientId,
    Name,
    SecretHash,
    Scopes,
    CreatedAt,
    RevokedAt,
}
