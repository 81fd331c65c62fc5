//! Hostile text and hostile input, through the real router on SQLite and
//! PostgreSQL.
//!
//! - Every free-text column is filled with text that tries to break out of
//!   where it is shown (`</title>`, `</textarea>`, `<script>`, `"><img>`,
//!   `javascript:`, U+202E, a very long word), and every page of the route
//!   table is rendered for every role that can see it. Each page is parsed as
//!   a browser would and must have exactly the elements and attributes it has
//!   with plain text in the same fields: nothing the template did not put
//!   there. A new route, or a new text column, fails the test until it is
//!   listed here.
//! - Control characters in id fields of every server function are answered
//!   cleanly (no 5xx, no panic); control characters in text are refused with
//!   an error tied to the field; bidirectional controls are removed.
use app::db::new_id;
use axum::http::{header, StatusCode};
use scraper::{ElementRef, Html, Selector};
use std::collections::{BTreeMap, BTreeSet};

mod support;
use support::{both, form, spawn_app, TestApp};

impl TestApp {
    async fn strings(&self, sql: &str) -> Vec<Vec<String>> {
        use sqlx::Row;
        sqlx::query(sql)
            .fetch_all(self.db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| (0..r.len()).map(|i| r.try_get::<String, _>(i).unwrap()).collect())
            .collect()
    }

    async fn exec(&self, sql: &str, text: &str) {
        sqlx::query(sql).bind(text).execute(self.db.pool()).await.unwrap();
    }
}

/// Text that tries every way out of where it is shown.
fn hostile() -> String {
    format!(
        "</title></textarea></script></style></noscript></option><script>alert(1)</script>\
         \"><img src=x onerror=alert(1)>'><svg onload=alert(1)>\
         <meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">\
         <a href=\"javascript:alert(1)\">javascript:alert(1)</a> &amp; &lt;b&gt; <!-- ]]> \
         \u{202E}Fjendtlig\u{202C} {}",
        "W".repeat(300)
    )
}

/// Plain text of the same length: the page must have the same shape with both.
fn benign() -> String {
    let mut s = String::new();
    while s.chars().count() < hostile().chars().count() {
        s.push_str("Almindelig tekst ");
    }
    s.chars().take(hostile().chars().count()).collect()
}

/// Where the hostile text is seen.
const MARK: &str = "Fjendtlig";

/// Every free-text column, filled with the text under test.
const FREE_TEXT: &[(&str, &str)] = &[
    ("regions", "name"),
    ("users", "display_name"),
    ("users", "email"),
    ("users", "pending_email"),
    ("users", "phone"),
    ("courses", "main_goal"),
    ("goals", "title"),
    ("goals", "description"),
    ("goal_ratings", "note"),
    ("activities", "title"),
    ("activities", "purpose"),
    ("activities", "place"),
    ("activities", "contact_name"),
    ("activities", "contact_phone"),
    ("activities", "preparation"),
    ("change_fields", "old_value"),
    ("change_fields", "new_value"),
    ("activity_reflections", "body"),
    ("feedback", "comment"),
    ("wellbeing_entries", "note"),
    ("wellbeing_entry_versions", "note"),
    ("health_concerns", "description"),
    ("health_concerns", "conversation_place"),
    ("health_concerns", "assessment"),
    ("message_threads", "subject"),
    ("messages", "body"),
];

/// Text columns that hold no one's words: keys, codes, dates, choices.
/// (Columns named `id`, `…_id`, `…_by`, `…_hash` and `idempotency_key` too.)
const NOT_FREE_TEXT: &[(&str, &str)] = &[
    ("users", "role"),
    ("users", "language"),
    ("users", "text_size"),
    ("users", "course_ended_on"),
    ("users", "creation_key"),
    ("user_identities", "provider"),
    ("user_identities", "subject"),
    ("sessions", "flash"),
    ("sessions", "oidc_provider"),
    ("sessions", "id_token"),
    ("oidc_logins", "provider"),
    ("oidc_logins", "pkce_verifier"),
    ("oidc_logins", "nonce"),
    ("login_attempts", "account_key"),
    ("login_attempts", "ip"),
    ("courses", "kind"),
    ("courses", "status"),
    ("courses", "start_date"),
    ("courses", "planned_end_date"),
    ("activities", "kind"),
    ("activities", "status"),
    ("paid_hours", "week_start"),
    ("change_history", "entity"),
    ("change_history", "summary"),
    ("change_fields", "field"),
    ("wellbeing_entries", "entry_date"),
    ("wellbeing_entry_versions", "entry_date"),
    ("who5_responses", "answered_on"),
    ("wellbeing_share_periods", "starts_on"),
    ("wellbeing_share_periods", "ends_on"),
    ("health_concerns", "state"),
    ("health_concerns", "outcome"),
    ("health_concern_events", "state"),
    ("audit_events", "actor_role"),
    ("audit_events", "action"),
    ("audit_events", "purpose"),
    ("push_subscriptions", "endpoint"),
    ("push_subscriptions", "p256dh"),
    ("push_subscriptions", "auth"),
    ("server_settings", "name"),
    ("server_settings", "value"),
    ("push_outbox", "kind"),
];

fn is_key_column(column: &str) -> bool {
    column == "id"
        || column.ends_with("_id")
        || column.ends_with("_by")
        || column.ends_with("_hash")
        || column == "idempotency_key"
}

/// The plan fields whose history values are someone's words.
const FREE_TEXT_FIELDS: &str =
    "('main_goal', 'title', 'description', 'purpose', 'place', 'contact', 'contact_phone', 'preparation')";

/// Every text column of the schema is either filled or named as not free text.
async fn check_text_columns_are_listed(app: &TestApp) {
    let sql = if app.postgres {
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND data_type = 'text' AND table_name NOT LIKE '\\_sqlx%'"
    } else {
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         AND upper(p.type) = 'TEXT'"
    };
    let mut unlisted = Vec::new();
    for row in app.strings(sql).await {
        let (table, column) = (row[0].as_str(), row[1].as_str());
        let listed = is_key_column(column)
            || FREE_TEXT.contains(&(table, column))
            || NOT_FREE_TEXT.contains(&(table, column));
        if !listed {
            unlisted.push(format!("{table}.{column}"));
        }
    }
    assert!(
        unlisted.is_empty(),
        "text columns neither filled by the hostile-text test nor listed as not free text: {unlisted:?}"
    );
}

/// Puts `text` into every free-text column (unique columns get the row's id).
async fn fill(app: &TestApp, text: &str) {
    for (table, column) in FREE_TEXT {
        let sql = match (*table, *column) {
            ("regions", "name") | ("users", "email") => format!("UPDATE {table} SET {column} = $1 || id"),
            ("change_fields", _) => format!(
                "UPDATE change_fields SET {column} = $1 WHERE {column} IS NOT NULL AND field IN {FREE_TEXT_FIELDS}"
            ),
            _ => format!("UPDATE {table} SET {column} = $1"),
        };
        app.exec(&sql, text).await;
    }
}

/// Who visits a route.
#[derive(Clone, Copy, Debug)]
enum Who {
    Guest,
    Citizens,
    Caseworker,
    Coordinator,
    Admin,
    Everyone,
}

/// Every route of the app, with who sees it. `/activities/:id` and the other
/// routes with ids are visited for every such object in the demo data.
const ROUTES: &[(&str, &[Who])] = &[
    ("/", &[Who::Citizens, Who::Caseworker]),
    ("/login", &[Who::Guest]),
    ("/activate", &[Who::Guest]),
    ("/reset", &[Who::Guest]),
    ("/plan", &[Who::Citizens]),
    ("/plan/print", &[Who::Citizens]),
    ("/activities/:id", &[Who::Citizens, Who::Caseworker]),
    ("/wellbeing/who5", &[Who::Citizens]),
    ("/wellbeing", &[Who::Citizens]),
    ("/messages", &[Who::Citizens]),
    ("/messages/new", &[Who::Citizens, Who::Caseworker]),
    ("/messages/:id", &[Who::Citizens, Who::Caseworker]),
    ("/inbox", &[Who::Caseworker]),
    ("/me", &[Who::Everyone]),
    ("/me/data", &[Who::Citizens]),
    ("/caseload", &[Who::Caseworker]),
    ("/caseload/citizens/:id", &[Who::Caseworker]),
    ("/caseload/citizens/:id/course", &[Who::Caseworker]),
    ("/caseload/citizens/:id/goals/:goal", &[Who::Caseworker]),
    ("/caseload/citizens/:id/activities/:activity", &[Who::Caseworker]),
    ("/concerns", &[Who::Citizens]),
    ("/concerns/new", &[Who::Citizens]),
    ("/concerns/:id", &[Who::Citizens]),
    ("/requests/:id", &[Who::Coordinator, Who::Admin]),
    ("/requests", &[Who::Coordinator]),
    ("/admin", &[Who::Admin]),
    ("/accessibility", &[Who::Guest, Who::Citizens]),
    ("/privacy", &[Who::Guest]),
    ("/contact", &[Who::Guest]),
    ("/offline", &[Who::Guest, Who::Citizens]),
];

/// The app's route table, as `/a/:b` paths.
fn app_routes() -> BTreeSet<String> {
    leptos_axum::generate_route_list(app::App)
        .iter()
        .map(|r| {
            let p = r.path().to_string();
            // Axum writes parameters as `{id}`.
            let mut out = String::new();
            for seg in p.split('/').filter(|s| !s.is_empty()) {
                out.push('/');
                match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => {
                        out.push(':');
                        out.push_str(name);
                    }
                    None => out.push_str(seg),
                }
            }
            if out.is_empty() {
                "/".to_string()
            } else {
                out
            }
        })
        .collect()
}

/// The people logged in for the test: (role, id, cookie).
struct People {
    all: Vec<(String, String, String)>,
}

impl People {
    async fn log_in(app: &TestApp) -> People {
        let mut all = Vec::new();
        for row in app
            .strings("SELECT role, id, email FROM users WHERE email LIKE '%@demo.mitforlob.dk' AND password_hash IS NOT NULL ORDER BY email")
            .await
        {
            let cookie = app.login(&row[2]).await;
            all.push((row[0].clone(), row[1].clone(), cookie));
        }
        assert!(all.iter().any(|p| p.0 == "citizen") && all.iter().any(|p| p.0 == "administrator"));
        People { all }
    }

    fn with_role(&self, role: &str) -> Vec<(String, String)> {
        self.all
            .iter()
            .filter(|p| p.0 == role)
            .map(|p| (p.1.clone(), p.2.clone()))
            .collect()
    }

    /// (who, cookie) pairs for a route's visitors.
    fn visitors(&self, who: &[Who]) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        for w in who {
            let roles: &[&str] = match w {
                Who::Guest => {
                    out.push(("guest".to_string(), None));
                    &[]
                }
                Who::Citizens => &["citizen"],
                Who::Caseworker => &["caseworker"],
                Who::Coordinator => &["health_coordinator"],
                Who::Admin => &["administrator"],
                Who::Everyone => &["citizen", "caseworker", "health_coordinator", "administrator"],
            };
            for role in roles {
                for (id, cookie) in self.with_role(role) {
                    out.push((format!("{role} {id}"), Some(cookie)));
                }
            }
        }
        out
    }
}

/// The concrete paths of a route pattern, for every object in the database.
async fn instances(app: &TestApp, pattern: &str) -> Vec<String> {
    let rows = |sql: &'static str| app.strings(sql);
    let citizens = "SELECT id FROM users WHERE role = 'citizen'";
    let fill1 = |rows: Vec<Vec<String>>| -> Vec<String> {
        rows.into_iter()
            .map(|r| pattern.replacen(":id", &r[0], 1))
            .collect()
    };
    match pattern {
        "/activities/:id" => fill1(rows("SELECT id FROM activities").await),
        "/messages/:id" => fill1(rows("SELECT id FROM message_threads").await),
        "/caseload/citizens/:id" | "/caseload/citizens/:id/course" => fill1(rows(citizens).await),
        "/concerns/:id" | "/requests/:id" => fill1(rows("SELECT id FROM health_concerns").await),
        "/caseload/citizens/:id/goals/:goal" | "/caseload/citizens/:id/activities/:activity" => {
            let sql = if pattern.contains(":goal") {
                "SELECT c.citizen_id, g.id FROM goals g JOIN courses c ON c.id = g.course_id"
            } else {
                "SELECT c.citizen_id, a.id FROM activities a JOIN courses c ON c.id = a.course_id"
            };
            let mut pairs = rows(sql).await;
            for c in rows(citizens).await {
                pairs.push(vec![c[0].clone(), "new".to_string()]);
            }
            pairs
                .into_iter()
                .map(|r| {
                    let base = format!("/caseload/citizens/{}", r[0]);
                    let tail = if pattern.contains(":goal") {
                        "goals"
                    } else {
                        "activities"
                    };
                    format!("{base}/{tail}/{}", r[1])
                })
                .collect()
        }
        p if p.contains(':') => panic!("no objects known for route {p}: add it to `instances`"),
        p => vec![p.to_string()],
    }
}

/// A page as a browser parses it: its elements and attribute names (not
/// values, which hold dates and ids), counted.
#[derive(Debug, PartialEq)]
struct Page {
    status: StatusCode,
    location: Option<String>,
    shape: BTreeMap<String, usize>,
    body: String,
}

fn shape(doc: &Html) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for node in doc.tree.nodes() {
        if let Some(el) = ElementRef::wrap(node) {
            let mut attrs: Vec<&str> = el.value().attrs().map(|(n, _)| n).collect();
            attrs.sort();
            *out.entry(format!("<{} {}>", el.value().name(), attrs.join(" ")))
                .or_insert(0) += 1;
        }
    }
    out
}

async fn render(app: &TestApp, path: &str, cookie: Option<&str>) -> Page {
    let (status, h, body) = app.get(path, cookie).await;
    assert!(!status.is_server_error(), "{path}: {status}");
    let doc = Html::parse_document(&body);
    Page {
        status,
        location: h.get(header::LOCATION).map(|l| l.to_str().unwrap().to_string()),
        shape: shape(&doc),
        body,
    }
}

/// What no page may ever have, whatever its text.
fn assert_nothing_injected(what: &str, body: &str) {
    let doc = Html::parse_document(body);
    let sel = |s: &str| Selector::parse(s).unwrap();
    assert_eq!(
        doc.select(&sel("meta[http-equiv]")).count(),
        0,
        "{what}: a meta refresh"
    );
    assert_eq!(
        doc.select(&sel("img[src=x], svg[onload]")).count(),
        0,
        "{what}: an injected image"
    );
    assert!(
        doc.select(&sel("title")).count() <= 1,
        "{what}: more than one title"
    );
    for el in doc.select(&sel("*")) {
        for (name, value) in el.value().attrs() {
            assert!(
                !name.starts_with("on"),
                "{what}: an event handler attribute {name}"
            );
            let v = value.trim().to_ascii_lowercase();
            if matches!(name, "href" | "src" | "action" | "formaction" | "xlink:href") {
                assert!(!v.starts_with("javascript:"), "{what}: a javascript: address");
            }
        }
    }
    // Scripts are files or carry the response's nonce; none was written by text.
    for script in doc.select(&sel("script")) {
        let e = script.value();
        assert!(
            e.attr("src").is_some() || e.attr("nonce").is_some(),
            "{what}: a script without nonce"
        );
        assert!(
            !script.text().any(|t| t.contains("alert(1)")),
            "{what}: script text from a field"
        );
    }
}

fn same_shape(what: &str, plain: &Page, hostile: &Page) {
    assert_eq!(plain.status, hostile.status, "{what}: status");
    if plain.shape != hostile.shape {
        let keys: BTreeSet<&String> = plain.shape.keys().chain(hostile.shape.keys()).collect();
        let diff: Vec<String> = keys
            .into_iter()
            .filter_map(|k| {
                let (a, b) = (
                    plain.shape.get(k).unwrap_or(&0),
                    hostile.shape.get(k).unwrap_or(&0),
                );
                (a != b).then(|| format!("{k}: {a} with plain text, {b} with hostile text"))
            })
            .collect();
        panic!(
            "{what}: the hostile text changed the page's elements:\n{}",
            diff.join("\n")
        );
    }
}

/// Every page of the route table, for everyone who may see it.
async fn render_all(app: &TestApp, people: &People) -> BTreeMap<String, Page> {
    let mut out = BTreeMap::new();
    for (pattern, who) in ROUTES {
        for path in instances(app, pattern).await {
            for (visitor, cookie) in people.visitors(who) {
                let page = render(app, &path, cookie.as_deref()).await;
                out.insert(format!("{path} as {visitor}"), page);
            }
        }
    }
    out
}

/// Enough staff reads that "Mig" lists a full page of them in every pass.
async fn fill_audit_log(app: &TestApp, people: &People) {
    let (staff, _) = &people.with_role("caseworker")[0];
    for (citizen, _) in people.with_role("citizen") {
        for n in 0..60 {
            sqlx::query(
                "INSERT INTO audit_events (id, actor_id, actor_role, citizen_id, action, purpose, at) \
                 VALUES ($1, $2, 'caseworker', $3, 'read_plan', 'case_work', $4)",
            )
            .bind(new_id())
            .bind(staff)
            .bind(&citizen)
            .bind(1_000_000_i64 + n)
            .execute(app.db.pool())
            .await
            .unwrap();
        }
    }
}

both!(hostile_text_never_becomes_markup, |app| {
    // Every route is visited or explicitly listed.
    let listed: BTreeSet<String> = ROUTES.iter().map(|(p, _)| p.to_string()).collect();
    let routes = app_routes();
    assert!(routes.len() > 20, "the route table was not read: {routes:?}");
    let missing: Vec<&String> = routes.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "routes the hostile-text test does not visit: {missing:?}"
    );
    let stale: Vec<&String> = listed.difference(&routes).collect();
    assert!(
        stale.is_empty(),
        "routes listed here that the app no longer has: {stale:?}"
    );
    check_text_columns_are_listed(app).await;

    let people = People::log_in(app).await;
    fill_audit_log(app, &people).await;
    // Messages are never edited; in this throwaway database they may be.
    let unlock = if app.postgres {
        "ALTER TABLE messages DISABLE TRIGGER messages_no_edit"
    } else {
        "DROP TRIGGER messages_no_edit"
    };
    sqlx::query(unlock).execute(app.db.pool()).await.unwrap();

    fill(app, &benign()).await;
    // Once to settle what a visit changes (read messages, last visits).
    render_all(app, &people).await;
    let plain = render_all(app, &people).await;
    fill(app, &hostile()).await;
    let hostile_pages = render_all(app, &people).await;

    let mut shown = BTreeSet::new();
    for (what, page) in &hostile_pages {
        assert_nothing_injected(what, &page.body);
        same_shape(what, &plain[what], page);
        assert_eq!(plain[what].location, page.location, "{what}");
        if page.body.contains(MARK) {
            shown.insert(what.split(' ').next().unwrap().to_string());
        }
    }
    // The test reaches the text: the pages that show people's words showed it.
    for path in [
        "/",
        "/plan",
        "/wellbeing",
        "/messages",
        "/inbox",
        "/caseload",
        "/requests",
        "/admin",
        "/concerns",
    ] {
        assert!(
            shown.contains(path),
            "{path} never showed the hostile text: {shown:?}"
        );
    }
    for prefix in [
        "/activities/",
        "/messages/",
        "/caseload/citizens/",
        "/concerns/",
        "/requests/",
    ] {
        assert!(
            shown
                .iter()
                .any(|p| p.starts_with(prefix) && p.len() > prefix.len() + 8),
            "{prefix}…"
        );
    }
    // The raw-text elements hold the text as text: a thread's title and an edit form's field.
    let thread = hostile_pages
        .iter()
        .find(|(k, p)| {
            k.starts_with("/messages/")
                && k.contains(" as caseworker")
                && p.status == StatusCode::OK
                && !k.starts_with("/messages/new")
        })
        .expect("a thread page");
    let doc = Html::parse_document(&thread.1.body);
    let title: String = doc
        .select(&Selector::parse("title").unwrap())
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(title.starts_with(&hostile()), "{title}");
    let goal = hostile_pages
        .iter()
        .find(|(k, p)| k.contains("/goals/") && !k.contains("/goals/new") && p.status == StatusCode::OK)
        .expect("a goal edit page");
    let doc = Html::parse_document(&goal.1.body);
    let field: String = doc
        .select(&Selector::parse("textarea#description").unwrap())
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(field, hostile());
});

// A refused form comes back with what was typed, in the field it was typed in.
both!(kept_drafts_stay_text, |app| {
    let people = People::log_in(app).await;
    let (citizen, ali) = people.with_role("citizen")[0].clone();
    let (_, mette) = people.with_role("caseworker")[0].clone();
    let key = new_id();
    // Form posts pass the input cleaning: the bidirectional override is removed.
    let typed = |text: &str| text.replace(['\u{202E}', '\u{202C}'], "");
    let cases = |text: String| {
        let t = text.clone();
        vec![
            (
                ali.clone(),
                "/messages/new".to_string(),
                "/api/start-thread",
                form(&[("subject", ""), ("body", &t), ("form_key", &key)]),
                "textarea#body",
            ),
            (
                mette.clone(),
                format!("/caseload/citizens/{citizen}/goals/new"),
                "/api/save-goal",
                form(&[
                    ("citizen_id", &citizen),
                    ("goal_id", "new"),
                    ("item_key", &key),
                    ("title", ""),
                    ("description", &t),
                ]),
                "textarea#description",
            ),
            (
                mette.clone(),
                format!("/caseload/citizens/{citizen}/activities/new"),
                "/api/save-activity",
                form(&[
                    ("citizen_id", &citizen),
                    ("activity_id", "new"),
                    ("item_key", &key),
                    ("kind", "mentor"),
                    ("status", "planned"),
                    ("title", ""),
                    ("purpose", &t),
                    ("place", &t),
                    ("contact_name", &t),
                    ("contact_phone", ""),
                    ("preparation", &t),
                    ("starts_at", ""),
                    ("ends_at", ""),
                    ("hours_per_week", ""),
                ]),
                "textarea#preparation",
            ),
            (
                ali.clone(),
                "/wellbeing".to_string(),
                "/api/log-wellbeing",
                form(&[("note", &t), ("form_key", &key)]),
                "textarea#note",
            ),
        ]
    };
    let mut pages = Vec::new();
    for text in [benign(), hostile()] {
        let mut run = Vec::new();
        for (cookie, page, action, body, field) in cases(text.clone()) {
            let (status, h, _) = app.post_form_from(action, &page, &body, Some(&cookie)).await;
            assert_eq!(status, StatusCode::FOUND, "{action}");
            let back = h[header::LOCATION].to_str().unwrap().to_string();
            assert!(back.starts_with(&format!("{page}?error=")), "{action}: {back}");
            let shown = render(app, &back, Some(&cookie)).await;
            assert_eq!(shown.status, StatusCode::OK, "{back}");
            let doc = Html::parse_document(&shown.body);
            let kept: String = doc
                .select(&Selector::parse(field).unwrap())
                .next()
                .unwrap_or_else(|| panic!("{back}: {field}"))
                .text()
                .collect();
            assert_eq!(kept, typed(&text), "{back}: {field}");
            assert_nothing_injected(&back, &shown.body);
            run.push((back, shown));
        }
        pages.push(run);
    }
    for ((what, plain), (_, hostile)) in pages[0].iter().zip(&pages[1]) {
        same_shape(what, plain, hostile);
    }
});

/// The names of every field a server function reads, from the app's source:
/// its own arguments, and the fields of the `crate::form!` structs that
/// flattened arguments stand for.
fn server_fn_arguments() -> BTreeSet<String> {
    /// The text inside the bracket that opens at `text[0]` and its match
    /// (only that kind of bracket counts: doc comments hold the others).
    fn inside(text: &str) -> &str {
        let open = text.chars().next().unwrap();
        let close = match open {
            '(' => ')',
            '{' => '}',
            _ => panic!("not a bracket: {open}"),
        };
        let mut depth = 0;
        for (i, c) in text.char_indices() {
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    return &text[1..i];
                }
            }
        }
        panic!("unbalanced: {text}")
    }
    fn walk(dir: &std::path::Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (at, _) in text.match_indices("\n#[server") {
                let sig = &text[at..];
                let sig = &sig[sig.find("fn ").unwrap()..];
                let args = inside(&sig[sig.find('(').unwrap()..]);
                let mut depth = 0;
                let mut start = 0;
                let mut parts = Vec::new();
                for (i, c) in args.char_indices() {
                    match c {
                        '(' | '[' | '<' => depth += 1,
                        ')' | ']' | '>' => depth -= 1,
                        ',' if depth == 0 => {
                            parts.push(&args[start..i]);
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                parts.push(&args[start..]);
                for arg in parts {
                    let arg = arg.trim();
                    // A flattened form: its fields are read below.
                    if arg.starts_with("#[server(flatten)]") {
                        continue;
                    }
                    if let Some((name, _)) = arg.split_once(':') {
                        out.insert(name.trim().to_string());
                    }
                }
            }
            for (at, _) in text.match_indices("crate::form! {") {
                let body = inside(&text[at + "crate::form! ".len()..]);
                let fields = inside(&body[body.find('{').unwrap()..]);
                for line in fields.lines().map(str::trim) {
                    if let Some((name, _)) = line.strip_prefix("pub ").and_then(|l| l.split_once(':')) {
                        out.insert(name.trim().to_string());
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&support::repo().join("app/src"), &mut out);
    out
}

// Control characters in id fields: every server function, every role, a
// clean answer (and the server still answers after).
both!(control_characters_in_ids_never_break_a_request, |app| {
    let args = server_fn_arguments();
    let ids: Vec<&String> = args.iter().filter(|a| app::input::is_id_field(a)).collect();
    assert!(ids.len() >= 6, "{ids:?}");
    let paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .filter(|(_, m)| m == http::Method::POST)
        .map(|(p, _)| p.to_string())
        .collect();
    assert!(paths.len() > 25, "{paths:?}");
    let mut cookies = vec![None];
    for email in [
        "ali@demo.mitforlob.dk",
        "mette@demo.mitforlob.dk",
        "lars@demo.mitforlob.dk",
        "henrik@demo.mitforlob.dk",
    ] {
        cookies.push(Some(app.login(email).await));
    }
    let bad = ["x\r\nSet-Cookie: a=b", "\t", "\0", "a\u{7f}", "\u{202E}"];
    for path in &paths {
        // Leave logging out for last: it ends the sessions.
        if path.contains("logout") {
            continue;
        }
        for cookie in &cookies {
            for value in bad {
                let fields: Vec<(&str, &str)> = args
                    .iter()
                    .map(|a| {
                        let v = if ids.contains(&a) { value } else { "1" };
                        (a.as_str(), v)
                    })
                    .collect();
                let (status, h, _) = app
                    .post_form_from(path, "/caseload", &form(&fields), cookie.as_deref())
                    .await;
                assert!(!status.is_server_error(), "{path} {value:?}: {status}");
                if status == StatusCode::FOUND {
                    let to = h[header::LOCATION].to_str().unwrap();
                    assert_eq!(to, "/caseload?error=error.not_found", "{path} {value:?}");
                }
            }
        }
    }
    // Still answering, still logged in.
    let (status, _, _) = app.get("/caseload", cookies[2].as_deref()).await;
    assert_eq!(status, StatusCode::OK);
});

// NUL and other control characters in text: refused with a message tied to
// the field, the same on both databases, nothing stored. Bidirectional
// controls are removed before anything is stored.
both!(control_characters_in_text_are_refused_and_bidi_removed, |app| {
    let ali = app.login("ali@demo.mitforlob.dk").await;
    let count = || async {
        app.strings("SELECT CAST(COUNT(*) AS TEXT) FROM message_threads")
            .await[0][0]
            .clone()
    };
    let before = count().await;
    for (field, subject, body) in [
        ("subject", "Hej\0", "Tekst"),
        ("body", "Hej", "Tekst\0med nul"),
        ("body", "Hej", "Farve \u{1b}[31m"),
    ] {
        let post = form(&[("subject", subject), ("body", body), ("form_key", &new_id())]);
        let (status, h, _) = app
            .post_form_from("/api/start-thread", "/messages/new", &post, Some(&ali))
            .await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(
            h[header::LOCATION],
            format!("/messages/new?error=input.control_character&field={field}")
        );
        let (_, _, page) = app.get(h[header::LOCATION].to_str().unwrap(), Some(&ali)).await;
        assert!(page.contains("usynligt kontroltegn"), "the message is shown");
    }
    assert_eq!(count().await, before, "nothing stored");

    let post = form(&[
        ("subject", "Faktura \u{202E}fdp.exe\u{202C} \u{2066}x\u{2069}"),
        ("body", "Se \u{200B}her\u{FEFF} 👨\u{200D}👩\u{200D}👧"),
        ("form_key", &new_id()),
    ]);
    let (status, h, _) = app
        .post_form_from("/api/start-thread", "/messages/new", &post, Some(&ali))
        .await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(h[header::LOCATION]
        .to_str()
        .unwrap()
        .contains("notice=messages.sent"));
    let stored = app
        .strings("SELECT t.subject, m.body FROM message_threads t JOIN messages m ON m.thread_id = t.id WHERE t.subject LIKE 'Faktura%'")
        .await;
    assert_eq!(
        stored,
        vec![vec![
            "Faktura fdp.exe x".to_string(),
            "Se her 👨\u{200D}👩\u{200D}👧".to_string()
        ]]
    );
});

#[test]
fn hostile_text_has_what_it_must() {
    let h = hostile();
    for needle in [
        "</title>",
        "</textarea>",
        "<script>",
        "\"><img",
        "javascript:",
        "\u{202E}",
        MARK,
    ] {
        assert!(h.contains(needle), "{needle}");
    }
    assert_eq!(benign().chars().count(), h.chars().count());
}
