//! The administrator's operations: only an administrator reaches them, each
//! change is kept as it should be, and a moved citizen is out of reach of
//! the caseworker they left.
use super::data::{self, NewStaff};
use crate::auth::policy;
use crate::db::{new_id, Db};
use crate::db_test;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::model::{CurrentUser, Role};
use crate::testing::{assign, user};

fn staff(name: &str, email: &str, role: &str) -> NewStaff {
    NewStaff::parse(name, email, role, "").unwrap()
}

async fn region(db: &Db, name: &str) -> String {
    let id = new_id();
    sqlx::query("INSERT INTO regions (id, name) VALUES ($1, $2)")
        .bind(&id)
        .bind(name)
        .execute(db.pool())
        .await
        .unwrap();
    id
}

async fn active_caseworkers(db: &Db, citizen: &CurrentUser) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT caseworker_id FROM caseload_assignments WHERE citizen_id = $1 AND ended_at IS NULL",
    )
    .bind(&citizen.id)
    .fetch_all(db.pool())
    .await
    .unwrap()
}

async fn account_events(db: &Db, citizen: &CurrentUser) -> Vec<(String, String)> {
    sqlx::query_as("SELECT action, actor_role FROM audit_events WHERE citizen_id = $1 AND purpose = 'account' ORDER BY at")
        .bind(&citizen.id)
        .fetch_all(db.pool())
        .await
        .unwrap()
}

db_test!(only_an_administrator_reaches_the_admin_operations, |db| {
    let admin = user(db, Role::Administrator, "Henrik").await;
    let mette = user(db, Role::Caseworker, "Mette").await;
    let lars = user(db, Role::HealthCoordinator, "Lars").await;
    let sofie = user(db, Role::Citizen, "Sofie").await;
    let peter = user(db, Role::Caseworker, "Peter").await;
    assign(db, &mette, &sofie).await;
    let hovedstaden = region(db, "Region Hovedstaden").await;

    for outsider in [&mette, &lars, &sofie] {
        let who = outsider.role;
        assert_eq!(policy::admin(outsider).err(), Some(AppError::NotFound), "{who:?}");
        // What each server function does: the access first, then the data function.
        let create = async {
            let a = policy::admin(outsider)?;
            data::create_staff(
                db,
                &a,
                &staff("Ny", "ny@test.invalid", "caseworker"),
                &new_id(),
                60_000,
            )
            .await
        }
        .await;
        assert_eq!(create.err(), Some(AppError::NotFound), "{who:?} creates staff");
        let role = async {
            let a = policy::admin(outsider)?;
            data::set_role(db, &a, &peter.id, "administrator").await
        }
        .await;
        assert_eq!(role, Err(AppError::NotFound), "{who:?} sets a role");
        let moved = async {
            let a = policy::admin(outsider)?;
            let c = policy::admin_citizen(db, &a, &sofie.id).await?;
            data::move_citizen(db, &c, &peter.id).await
        }
        .await;
        assert_eq!(moved, Err(AppError::NotFound), "{who:?} moves a citizen");
        let region_set = async {
            let a = policy::admin(outsider)?;
            data::set_region_coordinator(db, &a, &hovedstaden, &lars.id).await
        }
        .await;
        assert_eq!(
            region_set,
            Err(AppError::NotFound),
            "{who:?} sets a region's coordinator"
        );
    }
    // Nothing changed.
    assert_eq!(active_caseworkers(db, &sofie).await, vec![mette.id.clone()]);
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(&peter.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(role, "caseworker");
    let staff_count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = 'ny@test.invalid'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(staff_count, 0);
    let covered: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM coordinator_regions")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(covered, 0);

    // The administrator's hold on a citizen is only for citizens.
    let a = policy::admin(&admin).unwrap();
    assert_eq!(
        policy::admin_citizen(db, &a, &mette.id).await.err(),
        Some(AppError::NotFound)
    );
    assert_eq!(
        policy::admin_citizen(db, &a, "no-such-id").await.err(),
        Some(AppError::NotFound)
    );
});

db_test!(
    a_moved_citizen_is_out_of_the_old_caseworkers_reach_and_told,
    |db| {
        let admin = user(db, Role::Administrator, "Henrik").await;
        let mette = user(db, Role::Caseworker, "Mette").await;
        let peter = user(db, Role::Caseworker, "Peter").await;
        let sofie = user(db, Role::Citizen, "Sofie").await;
        let ali = user(db, Role::Citizen, "Ali").await;
        assign(db, &mette, &sofie).await;
        let a = policy::admin(&admin).unwrap();

        let account = policy::admin_citizen(db, &a, &sofie.id).await.unwrap();
        data::move_citizen(db, &account, &peter.id).await.unwrap();
        assert_eq!(active_caseworkers(db, &sofie).await, vec![peter.id.clone()]);
        // The old caseworker: "not found", like any stranger; the new one reaches her.
        assert_eq!(
            crate::testing::caseworker(db, &mette, &sofie.id).await.err(),
            Some(AppError::NotFound)
        );
        assert!(crate::testing::caseworker(db, &peter, &sofie.id).await.is_ok());
        // History stays: the ended assignment is kept with its end.
        let rows: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT caseworker_id, ended_at FROM caseload_assignments WHERE citizen_id = $1 ORDER BY assigned_at, ended_at",
    )
    .bind(&sofie.id)
    .fetch_all(db.pool())
    .await
    .unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().any(|(cw, ended)| cw == &mette.id && ended.is_some()));
        assert!(rows.iter().any(|(cw, ended)| cw == &peter.id && ended.is_none()));
        // The citizen is told, as an account event by an administrator.
        assert_eq!(
            account_events(db, &sofie).await,
            vec![("caseworker_changed".to_string(), "administrator".to_string())]
        );

        // The same move again (a form sent twice): nothing more happens.
        let account = policy::admin_citizen(db, &a, &sofie.id).await.unwrap();
        data::move_citizen(db, &account, &peter.id).await.unwrap();
        assert_eq!(account_events(db, &sofie).await.len(), 1);
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM caseload_assignments WHERE citizen_id = $1")
                .bind(&sofie.id)
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(count, 2);

        // A citizen with no caseworker gets one: told as such.
        let account = policy::admin_citizen(db, &a, &ali.id).await.unwrap();
        data::move_citizen(db, &account, &mette.id).await.unwrap();
        assert_eq!(
            account_events(db, &ali).await,
            vec![("caseworker_assigned".to_string(), "administrator".to_string())]
        );

        // Only to a caseworker: a citizen or an administrator is refused, nothing changed.
        for wrong in [&ali.id, &admin.id, &"no-such-id".to_string()] {
            let account = policy::admin_citizen(db, &a, &sofie.id).await.unwrap();
            assert_eq!(
                data::move_citizen(db, &account, wrong).await,
                Err(AppError::invalid("caseworker_id", Msg::AdminChooseCaseworker))
            );
        }
        assert_eq!(active_caseworkers(db, &sofie).await, vec![peter.id.clone()]);
    }
);

db_test!(a_staff_account_is_made_once_with_a_code_that_activates_it, |db| {
    let admin = user(db, Role::Administrator, "Henrik").await;
    let a = policy::admin(&admin).unwrap();
    let sjaelland = region(db, "Region Sjælland").await;
    let input = NewStaff::parse(
        " Karen Berg ",
        "Karen@Test.invalid",
        "health_coordinator",
        &sjaelland,
    )
    .unwrap();
    assert_eq!(input.name, "Karen Berg");
    assert_eq!(input.email, "karen@test.invalid");
    let key = new_id();

    let first = data::create_staff(db, &a, &input, &key, 60_000).await.unwrap();
    let (code, _) = first.code.clone().expect("a first code");
    // The same form again: the same account, no second code.
    let again = data::create_staff(db, &a, &input, &key, 60_000).await.unwrap();
    assert_eq!(again.id, first.id);
    assert!(again.code.is_none());
    // The same key with other values is refused, nothing stored.
    let other = NewStaff::parse("Karen Berg", "karen2@test.invalid", "caseworker", "").unwrap();
    assert_eq!(
        data::create_staff(db, &a, &other, &key, 60_000).await.err(),
        Some(AppError::invalid("name", Msg::FormKeyReused))
    );
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email LIKE 'karen%'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(accounts, 1);
    // A coordinator made for a region covers it.
    let covering: String =
        sqlx::query_scalar("SELECT coordinator_id FROM coordinator_regions WHERE region_id = $1")
            .bind(&sjaelland)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(covering, first.id);

    // The address is taken now: said plainly, on its field.
    let twin = NewStaff::parse("Karen B", "karen@test.invalid", "caseworker", "").unwrap();
    assert_eq!(
        data::create_staff(db, &a, &twin, &new_id(), 60_000).await.err(),
        Some(AppError::invalid("email", Msg::AdminEmailTaken))
    );

    // The code activates the account, whose role is the one chosen.
    let activated = crate::auth::activation::redeem(
        db,
        &code,
        "en lang adgangssætning".into(),
        "en lang adgangssætning".into(),
    )
    .await
    .unwrap();
    assert_eq!(activated, first.id);
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(&first.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(role, "health_coordinator");
    // Activated: no new code.
    assert!(matches!(
        data::new_staff_code(db, &a, &first.id, 60_000).await,
        Err(AppError::Refused(Msg::CaseloadAlreadyActivated))
    ));
});

#[test]
fn a_staff_form_names_the_field_that_is_wrong() {
    let field = |r: Result<NewStaff, AppError>| r.err().and_then(|e| e.field().map(str::to_string));
    assert_eq!(
        field(NewStaff::parse(" ", "a@b.dk", "caseworker", "")),
        Some("name".into())
    );
    assert_eq!(
        field(NewStaff::parse("A", "ikke-en-adresse", "caseworker", "")),
        Some("email".into())
    );
    assert_eq!(field(NewStaff::parse("A", "a@b.dk", "", "")), Some("role".into()));
    // A citizen is invited by a caseworker, never made here.
    assert_eq!(
        field(NewStaff::parse("A", "a@b.dk", "citizen", "")),
        Some("role".into())
    );
    assert!(NewStaff::parse("A", "a@b.dk", "administrator", "").is_ok());
}

db_test!(a_role_changes_only_when_nobody_is_left_without_help, |db| {
    let admin = user(db, Role::Administrator, "Henrik").await;
    let mette = user(db, Role::Caseworker, "Mette").await;
    let peter = user(db, Role::Caseworker, "Peter").await;
    let lars = user(db, Role::HealthCoordinator, "Lars").await;
    let sofie = user(db, Role::Citizen, "Sofie").await;
    assign(db, &mette, &sofie).await;
    let hovedstaden = region(db, "Region Hovedstaden").await;
    let a = policy::admin(&admin).unwrap();
    data::set_region_coordinator(db, &a, &hovedstaden, &lars.id)
        .await
        .unwrap();

    assert_eq!(
        data::set_role(db, &a, &mette.id, "health_coordinator").await,
        Err(AppError::invalid("role_staff_id", Msg::AdminRoleHasCaseload))
    );
    assert_eq!(
        data::set_role(db, &a, &admin.id, "caseworker").await,
        Err(AppError::invalid("role_staff_id", Msg::AdminRoleNotSelf))
    );
    assert_eq!(
        data::set_role(db, &a, &sofie.id, "caseworker").await,
        Err(AppError::invalid("role_staff_id", Msg::AdminChooseStaff))
    );
    assert_eq!(
        data::set_role(db, &a, &peter.id, "citizen").await,
        Err(AppError::invalid("new_role", Msg::AdminRoleMissing))
    );
    data::set_role(db, &a, &peter.id, "administrator").await.unwrap();
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(&peter.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(role, "administrator");
    // A coordinator who stops being one no longer covers the region.
    data::set_role(db, &a, &lars.id, "caseworker").await.unwrap();
    let covered: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM coordinator_regions WHERE region_id = $1")
        .bind(&hovedstaden)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(covered, 0);
    // A region's coordinator must be a coordinator.
    assert_eq!(
        data::set_region_coordinator(db, &a, &hovedstaden, &lars.id).await,
        Err(AppError::invalid("coordinator_id", Msg::AdminCoordinatorUnknown))
    );
});
