//! Time standards (the SOP's *mutu baku*) and the WIB working calendar, as an admin keeps them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, Utc};
use entity::{holiday, setting, sla_standard};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use crate::{
    service::{
        Audit, ServiceError, ServiceResult, Services, audit::append_admin_event,
        error::check_required, requests::SlaContext,
    },
    workflow::{
        Step,
        sla::{SlaStandard, WorkCalendar},
    },
};

const WORKING_DAYS: &str = "calendar.working_days";
const WORK_START: &str = "calendar.work_start";
const WORK_END: &str = "calendar.work_end";

/// The calendar's settings as stored (for showing and editing).
#[derive(Debug, Clone)]
pub struct CalendarSettings {
    pub working_days: String,
    pub work_start: String,
    pub work_end: String,
}

/// Standards and calendar in force, read through `db` (a transaction or the pool).
pub(crate) async fn load_sla_context(db: &impl ConnectionTrait) -> ServiceResult<SlaContext> {
    let standards = sla_standard::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| {
            let step = Step::from_number(row.step)?;
            let minutes = u32::try_from(row.minutes).ok()?;
            Some((
                step,
                SlaStandard {
                    minutes,
                    working_hours_only: row.working_hours_only,
                },
            ))
        })
        .collect();
    let calendar = load_work_calendar(db).await?;
    Ok(SlaContext {
        standards,
        calendar,
    })
}

/// The WIB working calendar in force: working days and hours, and holidays.
pub(crate) async fn load_work_calendar(db: &impl ConnectionTrait) -> ServiceResult<WorkCalendar> {
    let s = calendar_settings(db).await?;
    let holidays: BTreeSet<NaiveDate> = holiday::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|h| h.date)
        .collect();
    WorkCalendar::from_settings(&s.working_days, &s.work_start, &s.work_end, holidays)
        .map_err(|e| ServiceError::Internal(format!("stored calendar is invalid: {e}").into()))
}

impl Services {
    /// Standards and calendar in force, read in the caller's transaction.
    pub(crate) async fn sla_context(&self, db: &impl ConnectionTrait) -> ServiceResult<SlaContext> {
        load_sla_context(db).await
    }

    pub async fn sla_standards(&self) -> ServiceResult<Vec<sla_standard::Model>> {
        Ok(sla_standard::Entity::find()
            .order_by_asc(sla_standard::Column::Step)
            .all(&self.db.conn)
            .await?)
    }

    /// Changes a step's time standard. Deadlines already set keep their value; the new
    /// standard applies to steps opened from now on.
    pub async fn update_sla_standard(
        &self,
        step: Step,
        minutes: u32,
        working_hours_only: bool,
        audit: &Audit,
    ) -> ServiceResult<sla_standard::Model> {
        if minutes == 0 || minutes > 43_200 {
            return Err(ServiceError::BadInput(
                "minutes must be between 1 and 43200 (30 days)".into(),
            ));
        }
        let tx = self.db.begin_write().await?;
        let row = sla_standard::Entity::find_by_id(step.number())
            .one(&*tx)
            .await?
            .ok_or(ServiceError::NotFound("time standard"))?;
        let before = (row.minutes, row.working_hours_only);
        let mut active: sla_standard::ActiveModel = row.into();
        active.minutes = Set(minutes as i32);
        active.working_hours_only = Set(working_hours_only);
        active.updated_at = Set(Utc::now());
        active.updated_by = Set(audit.user_id);
        let row = active.update(&*tx).await?;
        append_admin_event(
            &*tx,
            audit,
            "sla_standard_changed",
            json!({
                "step": step.number(),
                "before": { "minutes": before.0, "working_hours_only": before.1 },
                "after": { "minutes": minutes, "working_hours_only": working_hours_only },
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn calendar_settings(&self) -> ServiceResult<CalendarSettings> {
        calendar_settings(&self.db.conn).await
    }

    /// Changes working days (ISO numbers, Monday = 1) and hours (WIB, `HH:MM`).
    pub async fn update_calendar(
        &self,
        new: CalendarSettings,
        audit: &Audit,
    ) -> ServiceResult<CalendarSettings> {
        WorkCalendar::from_settings(
            &new.working_days,
            &new.work_start,
            &new.work_end,
            BTreeSet::new(),
        )
        .map_err(|e| ServiceError::BadInput(e.to_string()))?;
        let tx = self.db.begin_write().await?;
        for (key, value) in [
            (WORKING_DAYS, &new.working_days),
            (WORK_START, &new.work_start),
            (WORK_END, &new.work_end),
        ] {
            setting::Entity::delete_by_id(key.to_owned())
                .exec(&*tx)
                .await?;
            setting::ActiveModel {
                key: Set(key.to_owned()),
                value: Set(value.trim().to_owned()),
            }
            .insert(&*tx)
            .await?;
        }
        append_admin_event(
            &*tx,
            audit,
            "calendar_changed",
            json!({
                "working_days": new.working_days,
                "work_start": new.work_start,
                "work_end": new.work_end,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(new)
    }

    pub async fn holidays(&self) -> ServiceResult<Vec<holiday::Model>> {
        Ok(holiday::Entity::find()
            .order_by_asc(holiday::Column::Date)
            .all(&self.db.conn)
            .await?)
    }

    /// Adds (or renames) a holiday.
    pub async fn set_holiday(
        &self,
        date: NaiveDate,
        name: &str,
        audit: &Audit,
    ) -> ServiceResult<holiday::Model> {
        check_required("holiday name", name, 200)?;
        let tx = self.db.begin_write().await?;
        holiday::Entity::delete_by_id(date).exec(&*tx).await?;
        let row = holiday::ActiveModel {
            date: Set(date),
            name: Set(name.trim().to_owned()),
        }
        .insert(&*tx)
        .await?;
        append_admin_event(
            &*tx,
            audit,
            "holiday_set",
            json!({ "date": date, "name": row.name }),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn remove_holiday(&self, date: NaiveDate, audit: &Audit) -> ServiceResult<bool> {
        let tx = self.db.begin_write().await?;
        let removed = holiday::Entity::delete_by_id(date)
            .exec(&*tx)
            .await?
            .rows_affected
            > 0;
        if removed {
            append_admin_event(&*tx, audit, "holiday_removed", json!({ "date": date })).await?;
        }
        tx.commit().await?;
        Ok(removed)
    }

    /// Writes the configured SLA overrides over the seeded standards on a fresh database.
    pub async fn seed_sla_overrides(&self) -> ServiceResult<()> {
        let Some(_) = self.settings.sla_minutes else {
            return Ok(());
        };
        let tx = self.db.begin_write().await?;
        let untouched = sla_standard::Entity::find()
            .all(&*tx)
            .await?
            .iter()
            .all(|row| row.updated_by.is_none());
        if untouched {
            for step in Step::ALL {
                let minutes = self.settings.seed_sla_minutes(step) as i32;
                sla_standard::Entity::update_many()
                    .col_expr(
                        sla_standard::Column::Minutes,
                        sea_orm::sea_query::Expr::value(minutes),
                    )
                    .filter(sla_standard::Column::Step.eq(step.number()))
                    .exec(&*tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn calendar_settings(db: &impl ConnectionTrait) -> ServiceResult<CalendarSettings> {
    let rows: BTreeMap<String, String> = setting::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.key, s.value))
        .collect();
    let get =
        |key: &str, default: &str| rows.get(key).cloned().unwrap_or_else(|| default.to_owned());
    Ok(CalendarSettings {
        working_days: get(WORKING_DAYS, "1,2,3,4,5"),
        work_start: get(WORK_START, "07:30"),
        work_end: get(WORK_END, "16:00"),
    })
}
