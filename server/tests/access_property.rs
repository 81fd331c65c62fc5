//! Property test of authorisation: for random (viewer, object, operation)
//! triples drawn from the seeded demo database plus random extra people and
//! relations, every entry point answers "not found" exactly when an oracle
//! says the viewer has no relation to the object. The oracle is written here,
//! from the relationship tables, independently of `app::auth::policy`.
//!
//! Each case makes the access the way the server function does (through the
//! policy module) and calls the same data function with it; refusals write no
//! audit row, and an allowed staff read writes one, unless the same person's
//! reads are already recorded in this window (`app::audit::READ_WINDOW_MS`):
//! the same read again in the window writes none. The administrator's
//! operations are drawn too; moving a citizen changes the relationships, and
//! the oracle is updated with it, so later cases check that the caseworker
//! left behind gets "not found".
//!
//! The RNG seed is printed; `MITFORLOB_PROPTEST_SEED=<n>` repeats a run.
use app::auth::policy::{self, Use};
use app::db::{new_id, Db};
use app::error::AppError;
use app::model::{CurrentUser, Role};
use app::time::now_ms;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, HashSet};

mod support;
use support::{report, TestDb};

const CASES: usize = 10_000;
const DEFAULT_SEED: u64 = 0x6d69_7466_6f72_6c62;

fn seed() -> u64 {
    std::env::var("MITFORLOB_PROPTEST_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(DEFAULT_SEED)
}

async fn fresh_db(postgres: bool) -> (Db, TestDb) {
    let database = TestDb::create(postgres).await;
    (database.migrated().await, database)
}

async fn drop_db(db: Db, database: TestDb) {
    db.close().await;
    database.drop_it().await;
}

async fn exec(db: &Db, sql: &str, args: &[&str]) {
    let mut q = sqlx::query(sql);
    for a in args {
        q = q.bind(a.to_string());
    }
    q.execute(db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Extra people and relations on top of the demo data: caseworkers with
/// overlapping and ended assignments, coordinators with and without
/// requests, an administrator, citizens with courses, activities, threads,
/// requests and wellbeing; some activated, some not.
async fn add_random_world(db: &Db, rng: &mut StdRng) {
    let now = now_ms();
    let region: String = sqlx::query_scalar("SELECT id FROM regions ORDER BY name LIMIT 1")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let make = |role: &str, n: usize, rng: &mut StdRng| {
        (0..n)
            .map(|i| {
                let id = new_id();
                let activated = rng.random_bool(0.5);
                (id, role.to_string(), i, activated)
            })
            .collect::<Vec<_>>()
    };
    let caseworkers = make("caseworker", 4, rng);
    let coordinators = make("health_coordinator", 3, rng);
    let admins = make("administrator", 1, rng);
    let citizens = make("citizen", 7, rng);
    for (id, role, i, activated) in caseworkers
        .iter()
        .chain(&coordinators)
        .chain(&admins)
        .chain(&citizens)
    {
        let hash = if *activated { Some("not-a-real-hash") } else { None };
        sqlx::query(
            "INSERT INTO users (id, role, display_name, email, password_hash, language, region_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'da', $6, $7)",
        )
        .bind(id)
        .bind(role)
        .bind(format!("{role} {i}"))
        .bind(format!("{id}@prop.invalid"))
        .bind(hash)
        .bind(&region)
        .bind(now)
        .execute(db.pool())
        .await
        .unwrap();
    }
    // The demo caseworker and citizens take part too.
    let demo_citizens: Vec<String> =
        sqlx::query_scalar("SELECT id FROM users WHERE role = 'citizen' AND email LIKE '%@demo.%'")
            .fetch_all(db.pool())
            .await
            .unwrap();
    let all_citizens: Vec<String> = citizens
        .iter()
        .map(|c| c.0.clone())
        .chain(demo_citizens)
        .collect();
    for (cw, ..) in &caseworkers {
        for citizen in &all_citizens {
            if rng.random_bool(0.35) {
                // Ended assignments stay in the table: the relation is over.
                let ended = rng.random_bool(0.4).then_some(now);
                sqlx::query(
                    "INSERT INTO caseload_assignments (id, caseworker_id, citizen_id, assigned_at, ended_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(new_id())
                .bind(cw)
                .bind(citizen)
                .bind(now - 1000)
                .bind(ended)
                .execute(db.pool())
                .await
                .unwrap();
            }
        }
    }
    let today = jiff::Zoned::now().date();
    for (citizen, ..) in &citizens {
        if rng.random_bool(0.15) {
            continue; // no course
        }
        let course = new_id();
        let start = today.checked_sub(jiff::Span::new().days(30)).unwrap().to_string();
        let end = today.checked_add(jiff::Span::new().years(1)).unwrap().to_string();
        exec(
            db,
            "INSERT INTO courses (id, citizen_id, kind, status, start_date, planned_end_date, main_goal, created_at, updated_at) \
             VALUES ($1, $2, 'ressourceforloeb', 'active', $3, $4, NULL, 0, 0)",
            &[&course, citizen, &start, &end],
        )
        .await;
        let mut activities = Vec::new();
        for k in 0..rng.random_range(1..=3) {
            let id = new_id();
            sqlx::query(
                "INSERT INTO activities (id, course_id, kind, status, title, starts_at, created_at, updated_at) \
                 VALUES ($1, $2, 'mentor', 'planned', $3, $4, 0, 0)",
            )
            .bind(&id)
            .bind(&course)
            .bind(format!("Aktivitet {k}"))
            .bind(now + (k as i64 + 1) * 86_400_000)
            .execute(db.pool())
            .await
            .unwrap();
            activities.push(id);
        }
        for _ in 0..rng.random_range(0..=2) {
            let thread = new_id();
            sqlx::query(
                "INSERT INTO message_threads (id, citizen_id, subject, waiting_for_citizen, created_by, created_at, last_message_at) \
                 VALUES ($1, $2, 'Emne', 0, $2, $3, $3)",
            )
            .bind(&thread)
            .bind(citizen)
            .bind(now)
            .execute(db.pool())
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO messages (id, thread_id, sender_id, body, idempotency_key, sent_at) VALUES ($1, $2, $3, 'Hej', $4, $5)",
            )
            .bind(new_id())
            .bind(&thread)
            .bind(citizen)
            .bind(new_id())
            .bind(now)
            .execute(db.pool())
            .await
            .unwrap();
        }
        for _ in 0..rng.random_range(0..=2) {
            // A request assigned to one of the new coordinators, or to none.
            let coordinator = match rng.random_range(0..4) {
                3 => None,
                i => Some(coordinators[i].0.clone()),
            };
            sqlx::query(
                "INSERT INTO health_concerns (id, citizen_id, course_id, activity_id, region_id, coordinator_id, description, \
                   attach_wellbeing, state, idempotency_key, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'Bekymring', $7, 'sent', $8, $9, $9)",
            )
            .bind(new_id())
            .bind(citizen)
            .bind(&course)
            .bind(&activities[0])
            .bind(&region)
            .bind(coordinator)
            .bind(i64::from(rng.random_bool(0.5)))
            .bind(new_id())
            .bind(now)
            .execute(db.pool())
            .await
            .unwrap();
        }
        for d in 1..=rng.random_range(0..=5i64) {
            let date = today.checked_sub(jiff::Span::new().days(d)).unwrap().to_string();
            sqlx::query(
                "INSERT INTO wellbeing_entries (id, citizen_id, entry_date, mood, energy, pain, sleep, note, shared, \
                   idempotency_key, created_at, updated_at) VALUES ($1, $2, $3, 3, 3, 2, 4, NULL, $4, $5, $6, $6)",
            )
            .bind(new_id())
            .bind(citizen)
            .bind(date)
            .bind(i64::from(rng.random_bool(0.5)))
            .bind(new_id())
            .bind(now)
            .execute(db.pool())
            .await
            .unwrap();
        }
    }
}

/// The relationships, read straight from the tables.
struct Oracle {
    roles: HashMap<String, String>,
    caseload: HashSet<(String, String)>,
    activity_citizen: HashMap<String, String>,
    thread_citizen: HashMap<String, String>,
    concerns: HashMap<String, (String, Option<String>)>,
}

async fn pairs(db: &Db, sql: &str) -> Vec<(String, String)> {
    sqlx::query_as(sql).fetch_all(db.pool()).await.unwrap()
}

impl Oracle {
    async fn read(db: &Db) -> Oracle {
        Oracle {
            roles: pairs(db, "SELECT id, role FROM users")
                .await
                .into_iter()
                .collect(),
            caseload: pairs(
                db,
                "SELECT caseworker_id, citizen_id FROM caseload_assignments WHERE ended_at IS NULL",
            )
            .await
            .into_iter()
            .collect(),
            activity_citizen: pairs(
                db,
                "SELECT a.id, c.citizen_id FROM activities a JOIN courses c ON c.id = a.course_id",
            )
            .await
            .into_iter()
            .collect(),
            thread_citizen: pairs(db, "SELECT id, citizen_id FROM message_threads")
                .await
                .into_iter()
                .collect(),
            concerns: sqlx::query_as::<_, (String, String, Option<String>)>(
                "SELECT id, citizen_id, coordinator_id FROM health_concerns",
            )
            .fetch_all(db.pool())
            .await
            .unwrap()
            .into_iter()
            .map(|(id, citizen, coordinator)| (id, (citizen, coordinator)))
            .collect(),
        }
    }

    fn role(&self, id: &str) -> &str {
        self.roles.get(id).map(String::as_str).unwrap_or("")
    }

    fn caseworker_of(&self, viewer: &str, citizen: &str) -> bool {
        self.role(viewer) == "caseworker"
            && self.caseload.contains(&(viewer.to_string(), citizen.to_string()))
    }

    fn self_or_caseworker(&self, viewer: &str, citizen: Option<&String>) -> bool {
        citizen
            .is_some_and(|c| (self.role(viewer) == "citizen" && viewer == c) || self.caseworker_of(viewer, c))
    }

    /// Whether `viewer` may do `op` on `object`.
    fn allows(&self, op: Op, viewer: &str, object: &str) -> bool {
        let concern = self.concerns.get(object);
        let owner = |c: &(String, Option<String>)| self.role(viewer) == "citizen" && c.0 == viewer;
        let assigned = |c: &(String, Option<String>)| {
            self.role(viewer) == "health_coordinator" && c.1.as_deref() == Some(viewer)
        };
        match op {
            Op::CitizenPage
            | Op::SharedWellbeing
            | Op::PlanEditPage
            | Op::PlanSave
            | Op::NewCode
            | Op::ResetStart => self.caseworker_of(viewer, object),
            Op::ActivityPage => self.self_or_caseworker(viewer, self.activity_citizen.get(object)),
            Op::ThreadPage | Op::Reply => self.self_or_caseworker(viewer, self.thread_citizen.get(object)),
            Op::ConcernPage => concern.is_some_and(owner),
            Op::RequestPage => concern.is_some_and(assigned),
            Op::ConcernStep => concern.is_some_and(|c| owner(c) || assigned(c)),
            Op::ConcernSeen => {
                concern.is_some_and(|c| owner(c) || assigned(c) || self.caseworker_of(viewer, &c.0))
            }
            // The administrator's operations: an administrator, on a citizen.
            Op::AdminPage => self.role(viewer) == "administrator",
            Op::MoveCitizen => self.role(viewer) == "administrator" && self.role(object) == "citizen",
        }
    }

    /// Allowed reads by staff write one audit row each (once a window).
    fn audit_rows(&self, op: Op, viewer: &str, allowed: bool) -> i64 {
        let staff = matches!(
            self.role(viewer),
            "caseworker" | "health_coordinator" | "administrator"
        );
        i64::from(allowed && staff && op.is_read())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Op {
    CitizenPage,
    SharedWellbeing,
    PlanEditPage,
    PlanSave,
    NewCode,
    ResetStart,
    ActivityPage,
    ThreadPage,
    Reply,
    ConcernPage,
    RequestPage,
    ConcernStep,
    ConcernSeen,
    AdminPage,
    MoveCitizen,
}

const OPS: [Op; 15] = [
    Op::CitizenPage,
    Op::SharedWellbeing,
    Op::PlanEditPage,
    Op::PlanSave,
    Op::NewCode,
    Op::ResetStart,
    Op::ActivityPage,
    Op::ThreadPage,
    Op::Reply,
    Op::ConcernPage,
    Op::RequestPage,
    Op::ConcernStep,
    Op::ConcernSeen,
    Op::AdminPage,
    Op::MoveCitizen,
];

impl Op {
    fn is_read(self) -> bool {
        matches!(
            self,
            Op::CitizenPage
                | Op::SharedWellbeing
                | Op::PlanEditPage
                | Op::ActivityPage
                | Op::ThreadPage
                | Op::ConcernPage
                | Op::RequestPage
                | Op::ConcernSeen
        )
    }
}

/// What the server function for `op` does: the access from the policy
/// module, then the data function. Only whether it was "not found" matters.
async fn run(db: &Db, op: Op, viewer: &CurrentUser, object: &str, target: &str) -> Result<(), AppError> {
    use app::audit::AuditAction as A;
    match op {
        Op::CitizenPage => {
            let access = policy::caseworker_of(db, viewer, object, Use::Read(A::CitizenSummary)).await?;
            app::caseload::data::citizen_summary(db, &access).await.map(drop)
        }
        Op::SharedWellbeing => {
            let access = policy::caseworker_of(db, viewer, object, Use::Read(A::SharedWellbeing)).await?;
            app::wellbeing::data::shared_trend(db, &access).await.map(drop)
        }
        Op::PlanEditPage => {
            let access = policy::caseworker_of(db, viewer, object, Use::Read(A::PlanEdit)).await?;
            app::plan::edit::data::course_edit(db, &access).await.map(drop)
        }
        Op::PlanSave => {
            let today = jiff::Zoned::now().date();
            let end = today.checked_add(jiff::Span::new().years(1)).unwrap().to_string();
            let input = app::plan::rules::CourseInput::parse(
                "ressourceforloeb",
                &today.to_string(),
                &end,
                "Mål",
                today,
            )?;
            let access = policy::caseworker_of(db, viewer, object, Use::Write).await?;
            app::plan::edit::data::save_course(db, &access, &input).await
        }
        Op::NewCode => {
            let access = policy::caseworker_of(db, viewer, object, Use::Write).await?;
            app::caseload::data::new_code(db, &access, 60_000)
                .await
                .map(|_| ())
        }
        Op::ResetStart => {
            let access = policy::caseworker_of(db, viewer, object, Use::Write).await?;
            app::auth::reset::start(db, &access, 60_000).await.map(|_| ())
        }
        Op::ActivityPage => {
            let access = policy::activity(db, viewer, object, Use::Read(A::Activity)).await?;
            app::plan::data::activity_detail(db, &access, object).await?;
            app::plan::responses::data::for_activity(db, &access, object)
                .await
                .map(drop)
        }
        Op::ThreadPage => {
            let access = policy::thread(db, viewer, object, Use::Read(A::MessageThread)).await?;
            app::messages::data::thread(db, &access, object).await.map(drop)
        }
        Op::Reply => {
            let access = policy::thread(db, viewer, object, Use::Write).await?;
            app::messages::data::reply(db, &access, object, "Svar", &new_id(), false).await
        }
        Op::ConcernPage => {
            // The citizen's page of a request (`get_concern`).
            policy::ensure_role(viewer, Role::Citizen)?;
            let access = policy::concern(db, viewer, object).await?;
            app::concerns::data::concern(db, &access).await.map(drop)
        }
        Op::RequestPage => {
            let access = policy::coordinator_request(db, viewer, object).await?;
            app::concerns::request(db, &access).await.map(drop)
        }
        Op::ConcernStep => {
            // Withdrawing (citizen) or confirming receipt (coordinator):
            // either may be "not possible" from the state, never "not found".
            let access = policy::act_on_concern(db, viewer, object).await?;
            let to = match viewer.role {
                Role::Citizen => app::model::ConcernState::Withdrawn,
                _ => app::model::ConcernState::Received,
            };
            app::concerns::data::take_step(db, &access, &app::concerns::data::Step::To(to)).await
        }
        Op::ConcernSeen => {
            let access = policy::concern(db, viewer, object).await?;
            app::concerns::data::concern(db, &access).await.map(drop)
        }
        Op::AdminPage => app::admin::overview(db, viewer).await.map(drop),
        Op::MoveCitizen => {
            // To `target`, a caseworker: the relationships change, and the
            // oracle follows (see the loop).
            let access = policy::admin(viewer)?;
            let citizen = policy::admin_citizen(db, &access, object).await?;
            app::admin::data::move_citizen(db, &citizen, target).await
        }
    }
}

/// Read rows only: a started reset writes its own account event, as it should.
async fn audit_total(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE purpose <> 'account'")
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// The viewer's read rows in one window.
async fn viewer_rows_in(db: &Db, viewer: &str, window: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE actor_id = $1 AND window_start = $2")
        .bind(viewer)
        .bind(window)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

async fn property(postgres: bool) {
    let engine = if postgres { "postgres" } else { "sqlite" };
    let seed = seed();
    println!("access property ({engine}): seed {seed} (MITFORLOB_PROPTEST_SEED={seed} repeats it)");
    let mut rng = StdRng::seed_from_u64(seed);
    let (db, cleanup) = fresh_db(postgres).await;
    app::seed::seed_demo(&db).await.unwrap();
    add_random_world(&db, &mut rng).await;
    let mut oracle = Oracle::read(&db).await;

    let people: Vec<CurrentUser> =
        sqlx::query_as::<_, (String, String, String)>("SELECT id, role, display_name FROM users ORDER BY id")
            .fetch_all(db.pool())
            .await
            .unwrap()
            .into_iter()
            .map(|(id, role, name)| CurrentUser {
                id,
                role: Role::parse(&role).unwrap(),
                name,
                lang: app::i18n::Lang::Da,
                text_size: Default::default(),
                session_key: String::new(),
                unread_messages: 0,
            })
            .collect();
    fn sorted<V>(m: &HashMap<String, V>) -> Vec<String> {
        let mut v: Vec<String> = m.keys().cloned().collect();
        v.sort();
        v
    }
    let user_ids: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
    let activities = sorted(&oracle.activity_citizen);
    let threads = sorted(&oracle.thread_citizen);
    let concerns = sorted(&oracle.concerns);
    let caseworkers: Vec<String> = people
        .iter()
        .filter(|p| p.role == Role::Caseworker)
        .map(|p| p.id.clone())
        .collect();

    let started = std::time::Instant::now();
    let (mut refused, mut allowed) = (0usize, 0usize);
    let mut by_op: HashMap<Op, (usize, usize)> = HashMap::new();
    let mut done: HashSet<(String, Op, String, i64)> = HashSet::new();
    for case in 0..CASES {
        let op = OPS[rng.random_range(0..OPS.len())];
        let viewer = &people[rng.random_range(0..people.len())];
        let pool = match op {
            Op::ActivityPage => &activities,
            Op::ThreadPage | Op::Reply => &threads,
            Op::ConcernPage | Op::RequestPage | Op::ConcernStep | Op::ConcernSeen => &concerns,
            _ => &user_ids,
        };
        // Now and then an id that is nobody's: "not found" for everyone. Half
        // the time an object the viewer is related to, if there is one: most
        // random pairs are strangers, and the allowed side needs cases too.
        let related: Vec<&String> = if rng.random_bool(0.5) {
            pool.iter().filter(|o| oracle.allows(op, &viewer.id, o)).collect()
        } else {
            Vec::new()
        };
        let object = if rng.random_bool(0.03) {
            new_id()
        } else if !related.is_empty() {
            related[rng.random_range(0..related.len())].clone()
        } else {
            pool[rng.random_range(0..pool.len())].clone()
        };
        let expected = oracle.allows(op, &viewer.id, &object);
        let window = app::audit::read_window(now_ms());
        let before = audit_total(&db).await;
        let viewer_in_window = viewer_rows_in(&db, &viewer.id, window).await;
        let target = if op == Op::MoveCitizen {
            caseworkers[rng.random_range(0..caseworkers.len())].clone()
        } else {
            String::new()
        };
        let outcome = run(&db, op, viewer, &object, &target).await;
        if op == Op::MoveCitizen && outcome.is_ok() {
            // The citizen left every caseworker but `target`: the old one's
            // "not found" from now on is checked by the cases that follow.
            oracle.caseload.retain(|(_, c)| c != &object);
            oracle.caseload.insert((target.clone(), object.clone()));
        }
        let rows = audit_total(&db).await - before;
        let same_window = app::audit::read_window(now_ms()) == window;
        let not_found = outcome == Err(AppError::NotFound);
        assert_eq!(
            not_found,
            !expected,
            "case {case} (seed {seed}, {engine}): {op:?} by {} {} on {object}: got {outcome:?}, oracle allows: {expected}",
            viewer.role.as_str(),
            viewer.id,
        );
        let wanted = oracle.audit_rows(op, &viewer.id, expected);
        // Only allowed reads count: a move can turn a refusal into a read.
        let repeat = wanted == 1 && !done.insert((viewer.id.clone(), op, object.clone(), window));
        let context = format!(
            "case {case} (seed {seed}, {engine}): {op:?} by {} wrote {rows} audit rows",
            viewer.role.as_str()
        );
        if wanted == 0 {
            assert_eq!(rows, 0, "{context}, wanted none");
        } else if repeat && same_window {
            assert_eq!(rows, 0, "{context}: the same read again in the window");
        } else {
            // None only when this person's reads in the window are recorded.
            assert!(
                rows == 1 || (rows == 0 && viewer_in_window > 0 && same_window),
                "{context}, wanted one"
            );
        }
        let counts = by_op.entry(op).or_default();
        if expected {
            allowed += 1;
            counts.1 += 1;
        } else {
            refused += 1;
            counts.0 += 1;
        }
    }
    // Every kind of operation was both refused and allowed somewhere, or the
    // draw proved less than it claims.
    for op in OPS {
        let (r, a) = by_op.get(&op).copied().unwrap_or_default();
        assert!(
            r > 0 && a > 0,
            "{op:?}: {r} refused, {a} allowed (seed {seed}, {engine})"
        );
    }
    let line = format!(
        "access property ({engine}, seed {seed}): {CASES} cases, {refused} refused, {allowed} allowed, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    report(&line);
    drop_db(db, cleanup).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_found_exactly_when_the_relationships_say_so_sqlite() {
    property(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_found_exactly_when_the_relationships_say_so_postgres() {
    property(true).await;
}
