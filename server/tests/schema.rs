//! One schema, two engines. The migrations are written twice (app/migrations/
//! sqlite and app/migrations/postgres); this reads both databases after
//! migrating and compares what they hold: tables, columns (type,
//! nullability, default), primary keys, unique constraints, indexes, foreign
//! keys and triggers. A migration written for one engine and forgotten, or
//! written differently, for the other fails here.
//!
//! Differences that must exist between the engines are spelled out below:
//! the type map and the few exceptions, each with its reason. Anything else
//! is a failure.
mod support;

use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use std::collections::BTreeMap;
use support::TestDb;

/// The column types that mean the same on both engines: (SQLite declared
/// type, PostgreSQL `data_type`). Integers are BIGINT on PostgreSQL because
/// the app reads every integer as `i64` (epoch milliseconds need it); an
/// `integer` column there would be a different type, hence not in the map.
/// Only INTEGER and TEXT are used today; the other two are the pairs a new
/// column would take.
const TYPES: [(&str, &str); 4] = [
    ("INTEGER", "bigint"),
    ("TEXT", "text"),
    ("REAL", "double precision"),
    ("BLOB", "bytea"),
];

/// What one engine says about one thing (a column, an index...): `same` is
/// compared with the other engine's, `shown` is printed.
#[derive(Debug)]
struct Fact {
    same: String,
    shown: String,
}

/// Keyed by what the fact is about (`users.email`, `index users_role`...).
type Facts = BTreeMap<String, Fact>;

fn put(facts: &mut Facts, key: String, same: String, shown: String) {
    facts.insert(key, Fact { same, shown });
}

/// A fact whose printed form is the compared form.
fn put_plain(facts: &mut Facts, key: String, value: String) {
    facts.insert(
        key,
        Fact {
            same: value.clone(),
            shown: value,
        },
    );
}

fn text(row: &AnyRow, i: usize) -> Option<String> {
    row.try_get::<Option<String>, _>(i).unwrap()
}

fn int(row: &AnyRow, i: usize) -> i64 {
    row.try_get::<i64, _>(i).unwrap()
}

/// A column's facts, the type through the map.
fn column_fact(
    facts: &mut Facts,
    problems: &mut Vec<String>,
    engine: &str,
    key: String,
    declared: &str,
    nullable: bool,
    default: Option<String>,
) {
    let canonical = TYPES
        .iter()
        .find(|(sqlite, postgres)| {
            if engine == "sqlite" {
                *sqlite == declared
            } else {
                *postgres == declared
            }
        })
        .map(|(sqlite, _)| *sqlite);
    if canonical.is_none() {
        problems.push(format!("{key}: {engine} type {declared} is not in the type map"));
    }
    let rest = format!(
        "{}{}",
        if nullable { "NULL" } else { "NOT NULL" },
        default.map(|d| format!(" DEFAULT {d}")).unwrap_or_default()
    );
    put(
        facts,
        key,
        format!("{} {rest}", canonical.unwrap_or(declared)),
        format!("{declared} {rest}"),
    );
}

/// A partial index's condition, as both engines can be made to write it:
/// PostgreSQL adds parentheses and its own spacing.
fn predicate(condition: &str) -> String {
    condition
        .replace(['(', ')'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn index_fact(facts: &mut Facts, name: &str, table: &str, columns: &str, unique: bool, pred: &str) {
    let mut value = format!("{}on {table} ({columns})", if unique { "UNIQUE " } else { "" });
    if !pred.is_empty() {
        value.push_str(&format!(" WHERE {pred}"));
    }
    put_plain(facts, format!("index {name}"), value);
}

/// The app's tables in `sqlite_master m`: SQLite's own (sqlite_sequence,
/// sqlite_stat1) and sqlx's bookkeeping are no part of the schema.
const APP_TABLES: &str = "m.type = 'table' \
     AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name <> '_sqlx_migrations'";

async fn sqlite_facts(pool: &AnyPool, problems: &mut Vec<String>) -> Facts {
    let mut facts = Facts::new();

    let rows = sqlx::query(&format!(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk \
         FROM sqlite_master m, pragma_table_info(m.name) p WHERE {APP_TABLES} \
         ORDER BY m.name, p.cid"
    ))
    .fetch_all(pool)
    .await
    .unwrap();
    let mut primary: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    for row in &rows {
        let table = text(row, 0).unwrap();
        let column = text(row, 1).unwrap();
        let pk = int(row, 5);
        put_plain(&mut facts, format!("table {table}"), "present".into());
        if pk > 0 {
            primary
                .entry(table.clone())
                .or_default()
                .push((pk, column.clone()));
        }
        // Exception: SQLite lets a primary key column other than INTEGER
        // PRIMARY KEY hold NULL (a documented legacy quirk; the table
        // would have to be rebuilt to change it), where PostgreSQL makes
        // every primary key column NOT NULL. The app always writes its ids,
        // so a primary key column counts as NOT NULL here.
        let nullable = int(row, 3) == 0 && pk == 0;
        column_fact(
            &mut facts,
            problems,
            "sqlite",
            format!("{table}.{column}"),
            &text(row, 2).unwrap().to_uppercase(),
            nullable,
            text(row, 4),
        );
    }
    for (table, mut columns) in primary {
        columns.sort();
        let columns: Vec<_> = columns.into_iter().map(|(_, c)| c).collect();
        put_plain(
            &mut facts,
            format!("primary key {table}"),
            format!("({})", columns.join(", ")),
        );
    }

    // origin: 'pk' (the primary key's, already a fact above), 'u' (a UNIQUE
    // constraint, compared by its columns), 'c' (CREATE INDEX, by name).
    let rows = sqlx::query(&format!(
        "SELECT m.name, il.name, il.\"unique\", il.origin, ii.name, \
                (SELECT s.sql FROM sqlite_master s WHERE s.type = 'index' AND s.name = il.name) \
         FROM sqlite_master m, pragma_index_list(m.name) il, pragma_index_info(il.name) ii \
         WHERE {APP_TABLES} ORDER BY m.name, il.name, ii.seqno"
    ))
    .fetch_all(pool)
    .await
    .unwrap();
    struct Index {
        unique: bool,
        origin: String,
        columns: Vec<String>,
        sql: String,
    }
    let mut indexes: BTreeMap<(String, String), Index> = BTreeMap::new();
    for row in &rows {
        let index = indexes
            .entry((text(row, 0).unwrap(), text(row, 1).unwrap()))
            .or_insert_with(|| Index {
                unique: int(row, 2) == 1,
                origin: text(row, 3).unwrap(),
                columns: Vec::new(),
                sql: text(row, 5).unwrap_or_default(),
            });
        index
            .columns
            .push(text(row, 4).unwrap_or_else(|| "(expression)".into()));
    }
    for ((table, name), index) in indexes {
        let (columns, sql) = (index.columns.join(", "), index.sql);
        match index.origin.as_str() {
            "pk" => {}
            "u" => put_plain(
                &mut facts,
                format!("unique {table} ({columns})"),
                "constraint".into(),
            ),
            _ => {
                let pred = sql
                    .to_uppercase()
                    .find(" WHERE ")
                    .map(|at| predicate(&sql[at + 7..]))
                    .unwrap_or_default();
                index_fact(&mut facts, &name, &table, &columns, index.unique, &pred);
            }
        }
    }

    let rows = sqlx::query(&format!(
        "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
         FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
         WHERE {APP_TABLES} ORDER BY m.name, f.id, f.seq"
    ))
    .fetch_all(pool)
    .await
    .unwrap();
    struct Key {
        from: Vec<String>,
        referenced: String,
        to: Vec<String>,
        actions: String,
    }
    // By table and the key's number within it.
    let mut keys: BTreeMap<(String, i64), Key> = BTreeMap::new();
    for row in &rows {
        let key = keys
            .entry((text(row, 0).unwrap(), int(row, 1)))
            .or_insert_with(|| Key {
                from: Vec::new(),
                referenced: text(row, 2).unwrap(),
                to: Vec::new(),
                actions: format!(
                    "ON UPDATE {} ON DELETE {}",
                    text(row, 5).unwrap(),
                    text(row, 6).unwrap()
                ),
            });
        key.from.push(text(row, 3).unwrap());
        // NULL: REFERENCES t without columns, meaning its primary key.
        key.to
            .push(text(row, 4).unwrap_or_else(|| "(primary key)".into()));
    }
    for ((table, _), key) in keys {
        put_plain(
            &mut facts,
            format!("foreign key {table} ({})", key.from.join(", ")),
            format!("-> {} ({}) {}", key.referenced, key.to.join(", "), key.actions),
        );
    }

    let rows = sqlx::query("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        .fetch_all(pool)
        .await
        .unwrap();
    for row in &rows {
        let name = text(row, 0).unwrap();
        let table = text(row, 1).unwrap();
        let when = sqlite_trigger_event(&name, &text(row, 2).unwrap());
        put_plain(
            &mut facts,
            format!("trigger {name}"),
            format!("{when} ON {table}"),
        );
    }
    facts
}

/// "BEFORE UPDATE OF a, b" from a CREATE TRIGGER statement: the words
/// between the trigger's name and ON, with the columns sorted.
fn sqlite_trigger_event(name: &str, sql: &str) -> String {
    let words: Vec<&str> = sql.split_whitespace().collect();
    let start = words
        .iter()
        .position(|w| w.eq_ignore_ascii_case(name))
        .expect("the trigger's name in its statement")
        + 1;
    let end = start
        + words[start..]
            .iter()
            .position(|w| w.eq_ignore_ascii_case("ON"))
            .expect("ON in the trigger's statement");
    let clause = words[start..end].join(" ").to_uppercase();
    // SQLite's default timing is BEFORE.
    let clause =
        if clause.starts_with("BEFORE") || clause.starts_with("AFTER") || clause.starts_with("INSTEAD") {
            clause
        } else {
            format!("BEFORE {clause}")
        };
    match clause.split_once(" OF ") {
        Some((head, columns)) => {
            let mut columns: Vec<String> = columns
                .split(',')
                .map(|c| c.trim().to_lowercase())
                .filter(|c| !c.is_empty())
                .collect();
            columns.sort();
            format!("{head} OF {}", columns.join(", "))
        }
        None => clause,
    }
}

/// PostgreSQL's catalogue names are of types the Any driver cannot read
/// (name, sql_identifier...), hence the `::text` everywhere.
async fn postgres_facts(pool: &AnyPool, problems: &mut Vec<String>) -> Facts {
    let mut facts = Facts::new();

    let rows = sqlx::query(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, \
                c.is_nullable::text, c.column_default::text \
         FROM information_schema.columns c \
         JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
           AND c.table_name <> '_sqlx_migrations' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for row in &rows {
        let table = text(row, 0).unwrap();
        put_plain(&mut facts, format!("table {table}"), "present".into());
        // A default as PostgreSQL keeps it carries a cast ('da'::text),
        // which SQLite's does not.
        let default = text(row, 4).map(|d| match d.split_once("::") {
            Some((value, _)) => value.to_string(),
            None => d,
        });
        column_fact(
            &mut facts,
            problems,
            "postgres",
            format!("{table}.{}", text(row, 1).unwrap()),
            &text(row, 2).unwrap(),
            text(row, 3).unwrap() == "YES",
            default,
        );
    }

    // Every index with its columns in order; the primary key's and a UNIQUE
    // constraint's are facts about the table, not named indexes.
    let rows = sqlx::query(
        "SELECT t.relname::text, i.relname::text, x.indisunique::text, x.indisprimary::text, \
                EXISTS (SELECT 1 FROM pg_constraint k \
                        WHERE k.conindid = x.indexrelid AND k.contype = 'u')::text, \
                pg_get_expr(x.indpred, x.indrelid), \
                (SELECT string_agg(coalesce(a.attname::text, '(expression)'), ', ' ORDER BY n.ord) \
                   FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS n(attnum, ord) \
                   LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = n.attnum) \
         FROM pg_index x \
         JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace s ON s.oid = t.relnamespace \
         WHERE s.nspname = current_schema() AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for row in &rows {
        let table = text(row, 0).unwrap();
        let name = text(row, 1).unwrap();
        let columns = text(row, 6).unwrap();
        if text(row, 3).unwrap() == "true" {
            put_plain(&mut facts, format!("primary key {table}"), format!("({columns})"));
        } else if text(row, 4).unwrap() == "true" {
            put_plain(
                &mut facts,
                format!("unique {table} ({columns})"),
                "constraint".into(),
            );
        } else {
            let pred = text(row, 5).map(|p| predicate(&p)).unwrap_or_default();
            let unique = text(row, 2).unwrap() == "true";
            index_fact(&mut facts, &name, &table, &columns, unique, &pred);
        }
    }

    let rows = sqlx::query(
        "SELECT k.conrelid::regclass::text, k.confrelid::regclass::text, \
                (SELECT string_agg(a.attname::text, ', ' ORDER BY n.ord) \
                   FROM unnest(k.conkey) WITH ORDINALITY AS n(attnum, ord) \
                   JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = n.attnum), \
                (SELECT string_agg(a.attname::text, ', ' ORDER BY n.ord) \
                   FROM unnest(k.confkey) WITH ORDINALITY AS n(attnum, ord) \
                   JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = n.attnum), \
                k.confupdtype::text, k.confdeltype::text \
         FROM pg_constraint k JOIN pg_namespace s ON s.oid = k.connamespace \
         WHERE k.contype = 'f' AND s.nspname = current_schema()",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let action = |code: String| match code.as_str() {
        "a" => "NO ACTION",
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => "?",
    };
    for row in &rows {
        put_plain(
            &mut facts,
            format!(
                "foreign key {} ({})",
                text(row, 0).unwrap(),
                text(row, 2).unwrap()
            ),
            format!(
                "-> {} ({}) ON UPDATE {} ON DELETE {}",
                text(row, 1).unwrap(),
                text(row, 3).unwrap(),
                action(text(row, 4).unwrap()),
                action(text(row, 5).unwrap())
            ),
        );
    }

    // One row per event of a trigger. The trigger functions they call are
    // PostgreSQL's way of writing a trigger's body (SQLite has the body in
    // the trigger), so functions are not compared; the bodies are not either.
    let rows = sqlx::query(
        "SELECT t.trigger_name::text, t.event_object_table::text, t.action_timing::text, \
                t.event_manipulation::text, \
                (SELECT string_agg(u.event_object_column::text, ', ' \
                                   ORDER BY u.event_object_column::text) \
                   FROM information_schema.triggered_update_columns u \
                  WHERE u.trigger_schema = t.trigger_schema AND u.trigger_name = t.trigger_name \
                    AND u.event_object_table = t.event_object_table) \
         FROM information_schema.triggers t WHERE t.trigger_schema = current_schema() \
         ORDER BY 1, 4",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    // name -> (table, timing, events)
    let mut triggers: BTreeMap<String, (String, String, Vec<String>)> = BTreeMap::new();
    for row in &rows {
        let entry = triggers
            .entry(text(row, 0).unwrap())
            .or_insert_with(|| (text(row, 1).unwrap(), text(row, 2).unwrap(), Vec::new()));
        let event = text(row, 3).unwrap();
        entry.2.push(match text(row, 4) {
            Some(columns) if event == "UPDATE" => format!("UPDATE OF {columns}"),
            _ => event,
        });
    }
    for (name, (table, timing, events)) in triggers {
        put_plain(
            &mut facts,
            format!("trigger {name}"),
            format!("{timing} {} ON {table}", events.join(" OR ")),
        );
    }
    facts
}

/// The differences, one sorted line each.
fn differences(sqlite: &Facts, postgres: &Facts) -> Vec<String> {
    let mut lines = Vec::new();
    let keys: std::collections::BTreeSet<&String> = sqlite.keys().chain(postgres.keys()).collect();
    for key in keys {
        let (s, p) = (sqlite.get(key), postgres.get(key));
        if s.map(|f| &f.same) != p.map(|f| &f.same) {
            let shown = |f: Option<&Fact>| f.map_or("(none)".to_string(), |f| f.shown.clone());
            lines.push(format!("{key}: sqlite {} vs postgres {}", shown(s), shown(p)));
        }
    }
    lines
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_engines_have_the_same_schema() {
    let lite = TestDb::create(false).await;
    let pg = TestDb::create(true).await;
    let lite_db = lite.migrated().await;
    let pg_db = pg.migrated().await;

    let mut problems = Vec::new();
    let sqlite = sqlite_facts(lite_db.pool(), &mut problems).await;
    let postgres = postgres_facts(pg_db.pool(), &mut problems).await;
    lite_db.close().await;
    pg_db.close().await;
    lite.drop_it().await;
    pg.drop_it().await;

    // A reader that found nothing of a kind on both engines would agree
    // with itself; one that found nothing on one engine shows as differences.
    for kind in [
        "table ",
        "users.id",
        "primary key ",
        "unique ",
        "index ",
        "foreign key ",
        "trigger ",
    ] {
        let found = |facts: &Facts| facts.keys().any(|key| key.starts_with(kind));
        assert!(
            found(&sqlite) || found(&postgres),
            "neither engine has a {kind}: the schema was not read"
        );
    }

    problems.extend(differences(&sqlite, &postgres));
    problems.sort();
    assert!(
        problems.is_empty(),
        "the SQLite and PostgreSQL migrations make different schemas:\n{}",
        problems.join("\n")
    );
}

/// Each migration is written for both engines, under the same file name.
#[test]
fn both_engines_have_the_same_migration_files() {
    let folder = support::repo().join("app/migrations");
    let names = |engine: &str| {
        let mut names: Vec<String> = std::fs::read_dir(folder.join(engine))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let (sqlite, postgres) = (names("sqlite"), names("postgres"));
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres, "migration files: sqlite vs postgres");
}
