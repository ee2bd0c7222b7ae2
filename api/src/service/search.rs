//! Full-text search over requests and their archive entries (agenda number, title, narrative,
//! unit), ranked and highlighted, with the same query language and result on both engines:
//! SQLite FTS5 (bm25, `highlight`/`snippet`) and PostgreSQL full-text search (`ts_rank`,
//! `ts_headline`) over the `request_search` index the migration keeps in step by triggers.
//!
//! The query language: words (all must occur, in any field), `"a phrase"`, `prefix*` and
//! `-excluded`. Case and diacritics do not matter. The user's text never becomes SQL: each
//! term is quoted into an FTS5 string or handed to `phraseto_tsquery`/`to_tsquery` as a bound
//! value. Who sees what is part of the SQL, like the rest of the request lists.

use chrono::{DateTime, Utc};
use entity::{archive_entry, publication, request, request_channel};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter,
    QueryResult,
    sea_query::{Alias, Expr, Func, Order, Query, SelectStatement, SimpleExpr, Value},
};

use crate::{
    auth::{Principal, Scope},
    service::{
        ServiceError, ServiceResult, Services, accounts::roles_of, error::check_len,
        requests::visible_to,
    },
    workflow::{AccessClass, PublicationStatus, Role, Status},
};

/// Longest search text, in characters.
pub const MAX_QUERY: usize = 200;
/// Most terms in one search.
const MAX_TERMS: usize = 16;
/// Where a match starts and ends in the raw highlights (Unicode private-use characters, which
/// no tokenizer treats as part of a word); [`to_html`] turns them into `<mark>`.
const START: char = '\u{E000}';
const STOP: char = '\u{E001}';
/// The PostgreSQL text search configuration the migration creates.
const PG_CONFIG: &str = "'warta_search'";

/// What to look for and where.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    pub filter: SearchFilter,
    /// Page size.
    pub first: u64,
    /// Hits to skip (the position the previous page ended at).
    pub offset: u64,
}

/// Narrows a search; every filter given must hold.
#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    pub submitted_from: Option<DateTime<Utc>>,
    pub submitted_until: Option<DateTime<Utc>>,
    /// Any of these statuses.
    pub statuses: Vec<Status>,
    /// Published (or to be published) on any of these channels.
    pub channel_ids: Vec<i64>,
    /// Archived under this classification code or one below it (`HM.00` takes `HM.00.01`).
    pub classification_code: Option<String>,
    /// The requesting unit, exactly (case aside).
    pub unit: Option<String>,
}

/// A field of the search document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchField {
    AgendaNumber,
    Title,
    Narrative,
    Unit,
}

/// One result.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub request: request::Model,
    /// Relevance, higher first; comparable within one search only (the engines score
    /// differently).
    pub score: f64,
    /// The title, HTML-escaped, matches in `<mark>`.
    pub title_html: String,
    /// The best passage(s) of the narrative, HTML-escaped, matches in `<mark>`.
    pub snippet_html: String,
    /// The fields holding at least one of the terms.
    pub matched: Vec<SearchField>,
    /// Whether the caller may open the whole request (people: yes, since the search shows them
    /// only what they may see; API clients: no, they get only what was published).
    pub openable: bool,
}

/// One page of results, best first.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    /// Matches in all, across pages.
    pub total: u64,
    pub has_next: bool,
}

/// One term of a parsed search.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    text: String,
    /// Its last word may be the beginning of a longer one.
    prefix: bool,
    /// Must not occur.
    exclude: bool,
}

/// Splits a search into terms: words, `"phrases"`, `prefix*`, `-excluded`. Pieces with no
/// letter or digit (a lone `*`, `-` or `""`) are operators without operands and are dropped;
/// a search left with nothing to look for is refused.
fn parse(text: &str) -> ServiceResult<Vec<Term>> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ServiceError::BadInput(
            "type a word, phrase or agenda number to search for".into(),
        ));
    }
    check_len("query", text, MAX_QUERY)?;
    let mut terms = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut exclude = false;
        if c == '-' {
            chars.next();
            if chars.peek().is_none_or(|n| n.is_whitespace()) {
                continue;
            }
            exclude = true;
        }
        let mut body = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                body.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                body.push(c);
                chars.next();
            }
        }
        let mut prefix = false;
        while chars.peek() == Some(&'*') {
            prefix = true;
            chars.next();
        }
        let trimmed = body.trim_end_matches('*');
        prefix |= trimmed.len() != body.len();
        let body = trimmed.split_whitespace().collect::<Vec<_>>().join(" ");
        if body.chars().any(char::is_alphanumeric) {
            terms.push(Term {
                text: body,
                prefix,
                exclude,
            });
        }
    }
    if !terms.iter().any(|t| !t.exclude) {
        return Err(ServiceError::BadInput(
            "the search needs at least one word or number to look for; operators such as \
             \", * and - find nothing alone"
                .into(),
        ));
    }
    if terms.len() > MAX_TERMS {
        return Err(ServiceError::BadInput(format!(
            "a search may have at most {MAX_TERMS} terms"
        )));
    }
    Ok(terms)
}

/// An FTS5 string for one term: the text in double quotes (FTS5 reads everything inside as
/// words to match in order, never as syntax), `*` marking the last word as a prefix.
fn fts5_string(term: &Term) -> String {
    let quoted = format!("\"{}\"", term.text.replace('"', "\"\""));
    if term.prefix {
        format!("{quoted} *")
    } else {
        quoted
    }
}

/// The FTS5 MATCH expression: every wanted term, none of the excluded ones.
fn fts5_match(terms: &[Term]) -> String {
    let wanted: Vec<String> = terms
        .iter()
        .filter(|t| !t.exclude)
        .map(fts5_string)
        .collect();
    let mut expr = format!("({})", wanted.join(" "));
    for t in terms.iter().filter(|t| t.exclude) {
        expr.push_str(" NOT ");
        expr.push_str(&fts5_string(t));
    }
    expr
}

/// A `to_tsquery` operand for a prefix term: quoted, with quotes and backslashes escaped, and
/// `:*` on it.
fn tsquery_prefix(text: &str) -> String {
    format!("'{}':*", text.replace('\\', "\\\\").replace('\'', "''"))
}

/// The PostgreSQL `tsquery` of the terms, each a bound value: all wanted terms and none of the
/// excluded (`any = false`, for matching and ranking), or any wanted term (`any = true`, for
/// highlighting and telling which fields matched, as FTS5's `highlight` marks every term).
fn pg_tsquery(terms: &[Term], any: bool) -> SimpleExpr {
    let mut parts = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    for t in terms.iter().filter(|t| !any || !t.exclude) {
        let n = values.len() + 1;
        let part = if t.prefix {
            values.push(tsquery_prefix(&t.text).into());
            format!("to_tsquery({PG_CONFIG}, ${n})")
        } else {
            values.push(t.text.clone().into());
            format!("phraseto_tsquery({PG_CONFIG}, ${n})")
        };
        parts.push(if t.exclude { format!("!!{part}") } else { part });
    }
    let joined = parts.join(if any { " || " } else { " && " });
    Expr::cust_with_values(format!("({joined})"), values)
}

/// Escapes text for HTML and turns the highlight markers into balanced `<mark>` elements.
fn to_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 32);
    let mut open = false;
    for c in raw.chars() {
        match c {
            START if !open => {
                out.push_str("<mark>");
                open = true;
            }
            STOP if open => {
                out.push_str("</mark>");
                open = false;
            }
            START | STOP => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

/// Highlights of one hit as the database gives them.
struct Highlight {
    id: i64,
    title: String,
    snippet: String,
    matched: Vec<SearchField>,
}

fn get<T: sea_orm::TryGetable>(row: &QueryResult, column: &str) -> ServiceResult<T> {
    row.try_get("", column)
        .map_err(|e| ServiceError::Internal(format!("search result {column}: {e}").into()))
}

fn search_table() -> Alias {
    Alias::new("request_search")
}

fn search_col(column: &str) -> Expr {
    Expr::col((search_table(), Alias::new(column)))
}

impl Services {
    /// Searches the requests and archive entries the principal may see: a requester their own,
    /// an official what was assigned to them or their roles, an admin everything, an API client
    /// with `read:published` what was published (and, once archived, filed as public).
    pub async fn search(
        &self,
        principal: &Principal,
        query: SearchQuery,
    ) -> ServiceResult<SearchPage> {
        let terms = parse(&query.text)?;
        let db = &self.db.conn;
        let backend = db.get_database_backend();
        let mut base = Query::select();
        base.from(request::Entity);
        let openable = match principal {
            Principal::Anonymous => return Err(ServiceError::Unauthenticated),
            Principal::User { id, .. } => {
                let roles = roles_of(db, *id).await?;
                if !roles.contains(&Role::Admin) {
                    base.cond_where(visible_to(*id, &roles));
                }
                true
            }
            Principal::Client { .. } if principal.has_scope(Scope::ReadPublished) => {
                base.cond_where(published());
                false
            }
            Principal::Client { .. } => {
                return Err(ServiceError::Forbidden(
                    "this client lacks the read:published scope".into(),
                ));
            }
        };
        apply_filter(&mut base, &query.filter)?;
        let score = match backend {
            DatabaseBackend::Sqlite => {
                base.inner_join(
                    search_table(),
                    search_col("rowid").equals((request::Entity, request::Column::Id)),
                )
                .and_where(Expr::cust_with_values(
                    "\"request_search\" MATCH ?",
                    [fts5_match(&terms)],
                ));
                // bm25 is lower for better matches; the column weights favour agenda number
                // and title over the narrative, and the narrative over the unit.
                Expr::cust("-bm25(\"request_search\", 10.0, 10.0, 2.0, 1.0)")
            }
            DatabaseBackend::Postgres => {
                base.inner_join(
                    search_table(),
                    search_col("request_id").equals((request::Entity, request::Column::Id)),
                )
                .and_where(Expr::cust_with_exprs(
                    "\"request_search\".\"document\" @@ $1",
                    [pg_tsquery(&terms, false)],
                ));
                // ts_rank, not ts_rank_cd: it counts the best-weighted occurrence of a term in
                // full and further ones less and less, so a title match (A) outranks any number
                // of narrative matches (B), as bm25's saturation does on SQLite.
                Expr::cust_with_exprs(
                    "ts_rank('{0.1, 0.2, 0.4, 1.0}', \"request_search\".\"document\", $1)::float8",
                    [pg_tsquery(&terms, false)],
                )
            }
            DatabaseBackend::MySql => {
                return Err(ServiceError::Internal(
                    "search supports SQLite and PostgreSQL only".into(),
                ));
            }
        };

        let mut count = base.clone();
        count.expr_as(Expr::cust("COUNT(*)"), Alias::new("n"));
        let total: i64 = match db.query_one(backend.build(&count)).await? {
            Some(row) => get(&row, "n")?,
            None => 0,
        };

        let mut page = base;
        page.column((request::Entity, request::Column::Id))
            .expr_as(score, Alias::new("score"))
            .order_by(Alias::new("score"), Order::Desc)
            .order_by((request::Entity, request::Column::Id), Order::Desc)
            .limit(query.first)
            .offset(query.offset);
        let ranked: Vec<(i64, f64)> = db
            .query_all(backend.build(&page))
            .await?
            .iter()
            .map(|row| Ok((get(row, "id")?, get(row, "score")?)))
            .collect::<ServiceResult<_>>()?;
        let ids: Vec<i64> = ranked.iter().map(|(id, _)| *id).collect();

        let highlights = match backend {
            DatabaseBackend::Postgres => pg_highlights(db, &terms, &ids).await?,
            _ => sqlite_highlights(db, &terms, &ids).await?,
        };
        let mut requests = request::Entity::find()
            .filter(request::Column::Id.is_in(ids))
            .all(db)
            .await?;
        let mut hits = Vec::with_capacity(ranked.len());
        for (id, score) in ranked {
            let (Some(r), Some(h)) = (
                requests
                    .iter()
                    .position(|r| r.id == id)
                    .map(|i| requests.swap_remove(i)),
                highlights.iter().find(|h| h.id == id),
            ) else {
                // Deleted between the queries: the search reads without a transaction.
                continue;
            };
            hits.push(SearchHit {
                request: r,
                score,
                title_html: to_html(&h.title),
                snippet_html: to_html(&h.snippet),
                matched: h.matched.clone(),
                openable,
            });
        }
        let total = u64::try_from(total).unwrap_or_default();
        Ok(SearchPage {
            has_next: query.offset + query.first < total,
            hits,
            total,
        })
    }
}

/// Published on some channel, or archived (which comes after publishing), unless archived
/// under an access class other than public.
fn published() -> Condition {
    Condition::all()
        .add(
            Condition::any()
                .add(request::Column::Status.eq(Status::Archived.as_str()))
                .add(
                    request::Column::Id.in_subquery(
                        Query::select()
                            .column(publication::Column::RequestId)
                            .from(publication::Entity)
                            .and_where(
                                publication::Column::Status.eq(PublicationStatus::Sent.as_str()),
                            )
                            .to_owned(),
                    ),
                ),
        )
        .add(
            request::Column::Id.not_in_subquery(
                Query::select()
                    .column(archive_entry::Column::RequestId)
                    .from(archive_entry::Entity)
                    .and_where(archive_entry::Column::AccessClass.ne(AccessClass::Public.as_str()))
                    .to_owned(),
            ),
        )
}

fn apply_filter(q: &mut SelectStatement, filter: &SearchFilter) -> ServiceResult<()> {
    if let Some(from) = filter.submitted_from {
        q.and_where(request::Column::SubmittedAt.gte(from));
    }
    if let Some(until) = filter.submitted_until {
        q.and_where(request::Column::SubmittedAt.lt(until));
    }
    if !filter.statuses.is_empty() {
        q.and_where(request::Column::Status.is_in(filter.statuses.iter().map(|s| s.as_str())));
    }
    if !filter.channel_ids.is_empty() {
        q.and_where(
            request::Column::Id.in_subquery(
                Query::select()
                    .column(request_channel::Column::RequestId)
                    .from(request_channel::Entity)
                    .and_where(request_channel::Column::ChannelId.is_in(filter.channel_ids.clone()))
                    .to_owned(),
            ),
        );
    }
    if let Some(code) = filter.classification_code.as_deref().map(str::trim) {
        if code.is_empty() {
            return Err(ServiceError::BadInput(
                "classificationCode must not be empty".into(),
            ));
        }
        check_len("classificationCode", code, 32)?;
        let below = format!("{code}.");
        let column = Expr::col((
            archive_entry::Entity,
            archive_entry::Column::ClassificationCode,
        ));
        q.and_where(
            request::Column::Id.in_subquery(
                Query::select()
                    .column(archive_entry::Column::RequestId)
                    .from(archive_entry::Entity)
                    .cond_where(
                        Condition::any().add(column.clone().eq(code)).add(
                            Expr::expr(
                                Func::cust(Alias::new("substr"))
                                    .arg(column)
                                    .arg(1i32)
                                    // `substr(text, int, int)`: PostgreSQL has no bigint one.
                                    .arg(i32::try_from(below.chars().count()).unwrap_or(i32::MAX)),
                            )
                            .eq(below),
                        ),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(unit) = filter.unit.as_deref().map(str::trim) {
        if unit.is_empty() {
            return Err(ServiceError::BadInput("unit must not be empty".into()));
        }
        check_len("unit", unit, 200)?;
        q.and_where(
            Expr::expr(Func::lower(Expr::col((
                request::Entity,
                request::Column::Unit,
            ))))
            .eq(Func::lower(Expr::val(unit))),
        );
    }
    Ok(())
}

/// FTS5's `highlight` marks every term in the title, agenda number and unit; `snippet` picks
/// the narrative's best passage (or its beginning when only other fields matched).
async fn sqlite_highlights(
    db: &impl ConnectionTrait,
    terms: &[Term],
    ids: &[i64],
) -> ServiceResult<Vec<Highlight>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = || [START.to_string(), STOP.to_string()];
    let highlight = |column: u8| {
        Expr::cust_with_values(
            format!("highlight(\"request_search\", {column}, ?, ?)"),
            marks(),
        )
    };
    let q = Query::select()
        .expr_as(Expr::cust("rowid"), Alias::new("id"))
        .expr_as(highlight(0), Alias::new("agenda"))
        .expr_as(highlight(1), Alias::new("title"))
        .expr_as(
            Expr::cust_with_values("snippet(\"request_search\", 2, ?, ?, '…', 24)", marks()),
            Alias::new("snippet"),
        )
        .expr_as(highlight(3), Alias::new("unit"))
        .from(search_table())
        .and_where(Expr::cust_with_values(
            "\"request_search\" MATCH ?",
            [fts5_match(terms)],
        ))
        .and_where(Expr::col(Alias::new("rowid")).is_in(ids.iter().copied()))
        .to_owned();
    let backend = db.get_database_backend();
    db.query_all(backend.build(&q))
        .await?
        .iter()
        .map(|row| {
            let title: String = get(row, "title")?;
            let snippet: String = get(row, "snippet")?;
            let agenda: String = get(row, "agenda")?;
            let unit: String = get(row, "unit")?;
            let matched = [
                (SearchField::AgendaNumber, &agenda),
                (SearchField::Title, &title),
                (SearchField::Narrative, &snippet),
                (SearchField::Unit, &unit),
            ]
            .into_iter()
            .filter(|(_, text)| text.contains(START))
            .map(|(field, _)| field)
            .collect();
            Ok(Highlight {
                id: get(row, "id")?,
                title,
                snippet,
                matched,
            })
        })
        .collect()
}

/// `ts_headline` with the same markers: the whole title, up to two passages of the narrative.
async fn pg_highlights(
    db: &impl ConnectionTrait,
    terms: &[Term],
    ids: &[i64],
) -> ServiceResult<Vec<Highlight>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = format!("StartSel=\"{START}\", StopSel=\"{STOP}\"");
    let headline = |column: &str, options: String| {
        Expr::cust_with_exprs(
            format!("ts_headline({PG_CONFIG}, \"request_search\".\"{column}\", $1, $2)"),
            [pg_tsquery(terms, true), Expr::val(options).into()],
        )
    };
    let hit = |column: &str| {
        Expr::cust_with_exprs(
            format!("to_tsvector({PG_CONFIG}, \"request_search\".\"{column}\") @@ $1"),
            [pg_tsquery(terms, true)],
        )
    };
    let q = Query::select()
        .expr_as(search_col("request_id"), Alias::new("id"))
        .expr_as(
            headline("title", format!("HighlightAll=true, {marks}")),
            Alias::new("title"),
        )
        .expr_as(
            headline(
                "narrative",
                format!(
                    "MaxWords=30, MinWords=12, ShortWord=1, MaxFragments=2, \
                     FragmentDelimiter=\" … \", {marks}"
                ),
            ),
            Alias::new("snippet"),
        )
        .expr_as(hit("agenda"), Alias::new("agenda_hit"))
        .expr_as(hit("title"), Alias::new("title_hit"))
        .expr_as(hit("narrative"), Alias::new("narrative_hit"))
        .expr_as(hit("unit"), Alias::new("unit_hit"))
        .from(search_table())
        .and_where(search_col("request_id").is_in(ids.iter().copied()))
        .to_owned();
    let backend = db.get_database_backend();
    db.query_all(backend.build(&q))
        .await?
        .iter()
        .map(|row| {
            let mut matched = Vec::new();
            for (field, column) in [
                (SearchField::AgendaNumber, "agenda_hit"),
                (SearchField::Title, "title_hit"),
                (SearchField::Narrative, "narrative_hit"),
                (SearchField::Unit, "unit_hit"),
            ] {
                if get::<bool>(row, column)? {
                    matched.push(field);
                }
            }
            Ok(Highlight {
                id: get(row, "id")?,
                title: get(row, "title")?,
                snippet: get(row, "snippet")?,
                matched,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str, prefix: bool, exclude: bool) -> Term {
        Term {
            text: text.into(),
            prefix,
            exclude,
        }
    }

    #[test]
    fn parses_words_phrases_prefixes_and_exclusions() {
        let terms = parse(r#"  Beasiswa "dies natalis" regist* -rapat 0042/HM/2026 "#).unwrap();
        assert_eq!(
            terms,
            vec![
                term("Beasiswa", false, false),
                term("dies natalis", false, false),
                term("regist", true, false),
                term("rapat", false, true),
                term("0042/HM/2026", false, false),
            ]
        );
        assert_eq!(
            parse(r#""kuliah tamu"* ke-62"#).unwrap(),
            vec![
                term("kuliah tamu", true, false),
                term("ke-62", false, false)
            ]
        );
        // An unterminated quote runs to the end.
        assert_eq!(
            parse(r#"etika "era kecerdasan"#).unwrap(),
            vec![
                term("etika", false, false),
                term("era kecerdasan", false, false)
            ]
        );
    }

    #[test]
    fn refuses_searches_with_nothing_to_look_for() {
        for text in ["", "   ", "*", "- * \"\"", "\" \"", "-rapat", "— … !"] {
            assert!(
                matches!(parse(text), Err(ServiceError::BadInput(_))),
                "{text:?} should be refused"
            );
        }
        assert!(matches!(
            parse(&"a".repeat(MAX_QUERY + 1)),
            Err(ServiceError::BadInput(_))
        ));
        assert!(matches!(
            parse(&"kata ".repeat(MAX_TERMS + 1)),
            Err(ServiceError::BadInput(_))
        ));
    }

    #[test]
    fn fts5_expressions_quote_every_term() {
        let terms = parse(r#"rapat "OR x NEAR(" AND:b^ regist* -kerja"#).unwrap();
        assert_eq!(
            fts5_match(&terms),
            r#"("rapat" "OR x NEAR(" "AND:b^" "regist" *) NOT "kerja""#
        );
        let terms = vec![term("say \"hi\"", false, false)];
        assert_eq!(fts5_match(&terms), r#"("say ""hi""")"#);
    }

    #[test]
    fn tsquery_prefixes_escape_quotes_and_backslashes() {
        assert_eq!(tsquery_prefix("regist"), "'regist':*");
        assert_eq!(tsquery_prefix(r"o'a\"), r"'o''a\\':*");
    }

    #[test]
    fn highlights_become_escaped_html_with_balanced_marks() {
        assert_eq!(
            to_html("Kuliah \u{E000}Tamu\u{E001}: <b>kuota</b> & \"300\" 'peserta'"),
            "Kuliah <mark>Tamu</mark>: &lt;b&gt;kuota&lt;/b&gt; &amp; &quot;300&quot; &#39;peserta&#39;"
        );
        assert_eq!(
            to_html("\u{E001}a \u{E000}b \u{E000}c"),
            "a <mark>b c</mark>"
        );
    }
}
