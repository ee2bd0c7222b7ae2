//! Column and index shorthands shared by the migrations, so every table spells its ids,
//! timestamps and indexes the same way on both engines.

use sea_orm_migration::prelude::*;

/// `id BIGINT` autoincrement primary key. sea-query emits `bigserial` on PostgreSQL and
/// `integer PRIMARY KEY AUTOINCREMENT` on SQLite (where only `INTEGER` may autoincrement;
/// SQLite integers are 64-bit anyway).
pub fn pk_id<T: IntoIden>(col: T) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.big_integer().not_null().auto_increment().primary_key();
    c
}

/// A `BIGINT NOT NULL` column (usually a foreign key).
pub fn big<T: IntoIden>(col: T) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.big_integer().not_null();
    c
}

/// A nullable `BIGINT` column (usually an optional foreign key).
pub fn big_null<T: IntoIden>(col: T) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.big_integer().null();
    c
}

/// `VARCHAR(len) NOT NULL`.
pub fn string<T: IntoIden>(col: T, len: u32) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.string_len(len).not_null();
    c
}

/// Nullable `VARCHAR(len)`.
pub fn string_null<T: IntoIden>(col: T, len: u32) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.string_len(len).null();
    c
}

/// `TEXT NOT NULL`.
pub fn text<T: IntoIden>(col: T) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.text().not_null();
    c
}

/// Nullable `TEXT`.
pub fn text_null<T: IntoIden>(col: T) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.text().null();
    c
}

/// `INTEGER NOT NULL`.
pub fn int<T: IntoIden>(col: T) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.integer().not_null();
    c
}

/// `INTEGER NOT NULL DEFAULT value`.
pub fn int_default<T: IntoIden>(col: T, value: i32) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.integer().not_null().default(value);
    c
}

/// `SMALLINT NOT NULL`.
pub fn small<T: IntoIden>(col: T) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.small_integer().not_null();
    c
}

/// Nullable `SMALLINT`.
pub fn small_null<T: IntoIden>(col: T) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.small_integer().null();
    c
}

/// `BOOLEAN NOT NULL DEFAULT value`.
pub fn boolean<T: IntoIden>(col: T, default: bool) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.boolean().not_null().default(default);
    c
}

/// `TIMESTAMP WITH TIME ZONE NOT NULL`.
pub fn ts<T: IntoIden>(col: T) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.timestamp_with_time_zone().not_null();
    c
}

/// Nullable `TIMESTAMP WITH TIME ZONE`.
pub fn ts_null<T: IntoIden>(col: T) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.timestamp_with_time_zone().null();
    c
}

/// `DATE NOT NULL`.
pub fn date<T: IntoIden>(col: T) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.date().not_null();
    c
}

/// Nullable `DATE`.
pub fn date_null<T: IntoIden>(col: T) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.date().null();
    c
}

/// `JSONB NOT NULL` on PostgreSQL, JSON text on SQLite.
pub fn json<T: IntoIden>(col: T) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.json_binary().not_null();
    c
}

/// Nullable `JSONB` on PostgreSQL, JSON text on SQLite.
pub fn json_null<T: IntoIden>(col: T) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.json_binary().null();
    c
}

/// A named foreign key `fk_<table>_<column>` from `table.column` to `to_table.id`.
pub fn fk<T, C, R>(
    name: &str,
    table: T,
    column: C,
    to_table: R,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement
where
    T: IntoIden + 'static,
    C: IntoIden + 'static,
    R: IntoIden + 'static,
{
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(to_table, Alias::new("id"))
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::NoAction)
        .to_owned()
}

/// Creates the index `name` on `table(cols...)`, unique when asked.
pub async fn index<T, C>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: Vec<C>,
    unique: bool,
) -> Result<(), DbErr>
where
    T: IntoIden + 'static,
    C: IntoIden + 'static,
{
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for c in cols {
        stmt.col(c);
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt).await
}

/// Drops the tables in the given order (children before parents).
pub async fn drop_tables<T: IntoIden + 'static>(
    manager: &SchemaManager<'_>,
    tables: Vec<T>,
) -> Result<(), DbErr> {
    for t in tables {
        manager
            .drop_table(Table::drop().table(t).to_owned())
            .await?;
    }
    Ok(())
}
