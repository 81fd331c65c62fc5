//! Health concerns on both databases: routing, the state machine, repeats,
//! refusals and who may see and act on a request.
use super::data::{self, NewConcern, Step};
use crate::db::{new_id, Db};
use crate::db_test;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::model::{ConcernOutcome, ConcernState, CurrentUser, Role};
use crate::testing::{assign, audit_count, course, user};
use crate::time::now_ms;

/// A region, a coordinator covering it (or not), a citizen living there
/// with a course and one coming work placement, and their caseworker.
struct World {
    region: String,
    coordinator: CurrentUser,
    caseworker: CurrentUser,
    citizen: CurrentUser,
    placement: String,
}

async fn world(db: &Db, covered: bool) -> World {
    let region = new_id();
    sqlx::query("INSERT INTO regions (id, name) VALUES ($1, $2)")
        .bind(&region)
        .bind(format!("Region {region}"))
        .execute(db.pool())
        .await
        .unwrap();
    let coordinator = user(db, Role::HealthCoordinator, "Lars").await;
    if covered {
        sqlx::query("INSERT INTO coordinator_regions (coordinator_id, region_id) VALUES ($1, $2)")
            .bind(&coordinator.id)
            .bind(&region)
            .execute(db.pool())
            .await
            .unwrap();
    }
    let caseworker = user(db, Role::Caseworker, "Mette").await;
    let citizen = user(db, Role::Citizen, "Ali").await;
    sqlx::query("UPDATE users SET region_id = $1 WHERE id = $2")
        .bind(&region)
        .bind(&citizen.id)
        .execute(db.pool())
        .await
        .unwrap();
    assign(db, &caseworker, &citizen).await;
    let course = course(db, &citizen).await;
    let placement = activity(db, &course, "Praktik i pakkeafdelingen").await;
    World {
        region,
        coordinator,
        caseworker,
        citizen,
        placement,
    }
}

async fn activity(db: &Db, course_id: &str, title: &str) -> String {
    let id = new_id();
    sqlx::query(
        "INSERT INTO activities (id, course_id, kind, status, title, starts_at, created_at, updated_at) \
         VALUES ($1, $2, 'work_placement', 'planned', $3, $4, $5, $5)",
    )
    .bind(&id)
    .bind(course_id)
    .bind(title)
    .bind(now_ms() + 7 * 86_400_000)
    .bind(now_ms())
    .execute(db.pool())
    .await
    .unwrap();
    id
}

fn about(activity: &str, attach: bool) -> NewConcern {
    NewConcern::parse(
        "Jeg kan ikke løfte tunge kasser på grund af min ryg.",
        activity,
        attach,
    )
    .unwrap()
}

async fn count(db: &Db, sql: &str, id: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

async fn concerns_of(db: &Db, citizen: &CurrentUser) -> i64 {
    count(
        db,
        "SELECT COUNT(*) FROM health_concerns WHERE citizen_id = $1",
        &citizen.id,
    )
    .await
}

async fn events_of(db: &Db, concern_id: &str) -> i64 {
    count(
        db,
        "SELECT COUNT(*) FROM health_concern_events WHERE concern_id = $1",
        concern_id,
    )
    .await
}

fn states(view: &crate::concerns::ConcernView) -> Vec<ConcernState> {
    view.events.iter().map(|e| e.state).collect()
}

db_test!(a_concern_goes_to_the_coordinator_of_the_citizens_region, |db| {
    let w = world(db, true).await;
    let id = crate::via!(crate::testing::own(&w.citizen), |a| data::raise(
        db,
        &a,
        &about(&w.placement, false),
        &new_id()
    ))
    .unwrap();
    let mine = crate::via!(crate::auth::policy::concern(db, &w.citizen, &id), |a| {
        data::concern(db, &a)
    })
    .unwrap();
    assert_eq!(mine.state, ConcernState::Sent);
    assert_eq!(states(&mine), vec![ConcernState::Sent]);
    assert_eq!(mine.coordinator_name.as_deref(), Some("Lars"));
    assert_eq!(
        mine.activity.as_ref().map(|a| a.title.as_str()),
        Some("Praktik i pakkeafdelingen")
    );
    assert!(
        mine.expected_by.is_some(),
        "the citizen is told when to expect the next step"
    );
    // The coordinator's queue has it; the activity awaits the assessment.
    let queue = crate::concerns::queue(db, &w.coordinator).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].id, id);
    let plan = crate::plan::data::plan(db, &crate::testing::own(&w.citizen).await.unwrap(), None)
        .await
        .unwrap();
    assert!(plan
        .upcoming
        .iter()
        .any(|a| a.id == w.placement && a.awaiting_assessment));
    // The caseworker is told: the caseload counts it and the citizen page shows it.
    let filter = crate::caseload::CaseloadFilter::OpenConcerns;
    let caseload = crate::caseload::data::caseload(db, &w.caseworker, filter)
        .await
        .unwrap();
    assert_eq!(
        caseload
            .rows
            .iter()
            .find(|r| r.id == w.citizen.id)
            .map(|r| r.open_concerns),
        Some(1)
    );
    let seen = crate::via!(
        crate::testing::citizen_or_caseworker(db, &w.caseworker, &w.citizen.id),
        |a| data::for_citizen(db, &a)
    )
    .unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].description,
        "Jeg kan ikke løfte tunge kasser på grund af min ryg."
    );
});

db_test!(a_request_nobody_covers_waits_for_the_administrator, |db| {
    let w = world(db, false).await;
    let admin = user(db, Role::Administrator, "Admin").await;
    let id = crate::via!(crate::testing::own(&w.citizen), |a| data::raise(
        db,
        &a,
        &about("", false),
        &new_id()
    ))
    .unwrap();
    assert!(crate::concerns::queue(db, &w.coordinator)
        .await
        .unwrap()
        .is_empty());
    let waiting = data::unassigned(db, &admin).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(
        waiting[0].region.as_deref(),
        Some(format!("Region {}", w.region).as_str())
    );
    // Only the administrator sees the list, and it holds no content.
    assert_eq!(data::unassigned(db, &w.caseworker).await, Err(AppError::NotFound));
    assert_eq!(
        crate::via!(crate::auth::policy::concern(db, &admin, &id), |a| data::concern(
            db, &a
        )),
        Err(AppError::NotFound)
    );
    // A request can only go to a health coordinator.
    let e = data::assign(db, &admin, &id, &w.caseworker.id).await.unwrap_err();
    assert_eq!(e.message(), Msg::AdminCoordinatorUnknown);
    assert_eq!(
        data::assign(db, &w.caseworker, &id, &w.coordinator.id).await,
        Err(AppError::NotFound)
    );
    data::assign(db, &admin, &id, &w.coordinator.id).await.unwrap();
    // A repeated click changes nothing and is not an error.
    data::assign(db, &admin, &id, &w.coordinator.id).await.unwrap();
    assert!(data::unassigned(db, &admin).await.unwrap().is_empty());
    assert_eq!(crate::concerns::queue(db, &w.coordinator).await.unwrap().len(), 1);
});

db_test!(ten_sends_of_one_form_at_once_make_one_request, |db| {
    let w = world(db, true).await;
    let key = new_id();
    let sends = (0..10).map(|_| {
        let (db, citizen, key, placement) = (db.clone(), w.citizen.clone(), key.clone(), w.placement.clone());
        tokio::spawn(async move {
            crate::via!(crate::testing::own(&citizen), |a| data::raise(
                &db,
                &a,
                &about(&placement, true),
                &key
            ))
        })
    });
    let mut ids = Vec::new();
    for s in sends {
        ids.push(s.await.unwrap().unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every send answers with the same request");
    assert_eq!(concerns_of(db, &w.citizen).await, 1);
    assert_eq!(events_of(db, &ids[0]).await, 1);
    // A new form is a new request.
    crate::via!(crate::testing::own(&w.citizen), |a| data::raise(
        db,
        &a,
        &about("", false),
        &new_id()
    ))
    .unwrap();
    assert_eq!(concerns_of(db, &w.citizen).await, 2);
});

#[test]
fn concern_and_step_input_is_checked() {
    let field = |r: Result<NewConcern, AppError>| r.unwrap_err().field().map(str::to_string);
    assert_eq!(
        field(NewConcern::parse("   ", "", false)).as_deref(),
        Some("description")
    );
    let long = "x".repeat(crate::concerns::DESCRIPTION_MAX + 1);
    let e = NewConcern::parse(&long, "", false).unwrap_err();
    assert_eq!(e.message(), Msg::ConcernTextTooLong);
    assert!(NewConcern::parse(&"x".repeat(crate::concerns::DESCRIPTION_MAX), "", false).is_ok());
    let now = now_ms();
    let e = Step::parse_booking("2020-01-01", "10:00", "Jobcentret", now).unwrap_err();
    assert_eq!(e.message(), Msg::RequestTimePast);
    let e = Step::parse_booking("", "10:00", "Jobcentret", now).unwrap_err();
    assert_eq!(e.message(), Msg::RequestTimeMissing);
    let e = Step::parse_booking("2099-01-01", "10:00", "Telefon", now).unwrap_err();
    assert_eq!((e.field(), e.message()), (Some("date"), Msg::RequestTimeTooFar));
    let e = Step::parse_booking("0000-01-01", "10:00", "Telefon", now).unwrap_err();
    assert_eq!(e.message(), Msg::RequestTimePast);
    // Seen from late 2098, New Year 2099 is a fine time for a conversation.
    let late_2098 = jiff::Timestamp::from_second(4_070_000_000)
        .unwrap()
        .as_millisecond();
    let e = Step::parse_booking("2099-01-01", "10:00", " ", late_2098).unwrap_err();
    assert_eq!(e.field(), Some("place"));
    assert!(matches!(
        Step::parse_booking("2099-01-01", "10:00", "Telefon", late_2098),
        Ok(Step::Book { .. })
    ));
    assert_eq!(
        Step::parse_answer(None, "Fordi").unwrap_err().field(),
        Some("outcome")
    );
    assert_eq!(
        Step::parse_answer(Some("4"), "Fordi").unwrap_err().field(),
        Some("outcome")
    );
    assert_eq!(
        Step::parse_answer(Some("2"), "  ").unwrap_err().field(),
        Some("reasons")
    );
    assert_eq!(
        Step::parse_answer(Some("2"), "Kortere dage").unwrap(),
        Step::Answer {
            outcome: ConcernOutcome::Adjust,
            reasons: "Kortere dage".into()
        }
    );
    // Only the plain steps travel as a button's value.
    assert!(Step::parse_plain("answered").is_err());
    assert_eq!(
        Step::parse_plain("withdrawn").unwrap(),
        Step::To(ConcernState::Withdrawn)
    );
}

#[test]
fn the_next_step_is_due_in_working_days() {
    // Friday 27 November 2026, noon in Copenhagen: two working days later is Tuesday.
    let friday = jiff::civil::date(2026, 11, 27)
        .at(12, 0, 0, 0)
        .to_zoned(crate::time::copenhagen())
        .unwrap()
        .timestamp()
        .as_millisecond();
    assert_eq!(
        data::add_working_days(friday, 2).as_deref(),
        Some("tirsdag 1. december 2026")
    );
    assert_eq!(
        data::add_working_days(friday, 5).as_deref(),
        Some("fredag 4. december 2026")
    );
}

db_test!(bad_concerns_are_refused_and_change_nothing, |db| {
    let w = world(db, true).await;
    let other = world(db, true).await;
    // Someone else's activity.
    let e = crate::via!(crate::testing::own(&w.citizen), |a| data::raise(
        db,
        &a,
        &about(&other.placement, false),
        &new_id()
    ))
    .unwrap_err();
    assert_eq!(
        (e.field(), e.message()),
        (Some("activity_id"), Msg::ConcernActivityUnknown)
    );
    // No course to be worried about.
    let newcomer = user(db, Role::Citizen, "Ny").await;
    let e = crate::via!(crate::testing::own(&newcomer), |a| data::raise(
        db,
        &a,
        &about("", false),
        &new_id()
    ))
    .unwrap_err();
    assert_eq!(e.message(), Msg::ConcernNoCourse);
    // Staff do not raise concerns for citizens.
    assert_eq!(
        crate::via!(crate::testing::own(&w.caseworker), |a| data::raise(
            db,
            &a,
            &about("", false),
            &new_id()
        )),
        Err(AppError::NotFound)
    );
    assert_eq!(concerns_of(db, &w.citizen).await, 0);
    assert_eq!(concerns_of(db, &newcomer).await, 0);
});

db_test!(the_coordinator_moves_a_request_step_by_step_to_an_answer, |db| {
    let w = world(db, true).await;
    let id = crate::via!(crate::testing::own(&w.citizen), |a| data::raise(
        db,
        &a,
        &about(&w.placement, false),
        &new_id()
    ))
    .unwrap();
    let lars = &w.coordinator;
    let answer = Step::parse_answer(Some("2"), "Praktikken kan fortsætte med kortere dage.").unwrap();
    // Not before the request has been read.
    let e = crate::via!(crate::auth::policy::act_on_concern(db, lars, &id), |a| {
        data::take_step(db, &a, &answer)
    })
    .unwrap_err();
    assert_eq!(e.message(), Msg::ConcernStepNotPossible);
    crate::via!(crate::auth::policy::act_on_concern(db, lars, &id), |a| {
        data::take_step(db, &a, &Step::To(ConcernState::Received))
    })
    .unwrap();
    // A double click is harmless: no second event.
    crate::via!(crate::auth::policy::act_on_concern(db, lars, &id), |a| {
        data::take_step(db, &a, &Step::To(ConcernState::Received))
    })
    .unwrap();
    assert_eq!(events_of(db, &id).await, 2);
    crate::via!(crate::auth::policy::act_on_concern(db, lars, &id), |a| {
        data::take_step(db, &a, &Step::To(ConcernState::BeingAssessed))
    })
    .unwrap();
    let booking = Step::parse_booking(
        "2099-03-02",
        "10:30",
        "Jobcenter København, lokale 3",
        4_070_000_000_000,
    )
    .unwrap();
    crate::via!(crate::auth::policy::act_on_concern(db, lars, &id), |a| {
        data::take_step(db, &a, &booking)
    })
    .unwrap();
    crate::via!(crate::auth::policy::act_on_concern(db, lars, &id), |a| {
        data::take_step(db, &a, &booking)
    })
    .unwrap();
    let booked = crate::via!(crate::auth::policy::concern(db, &w.citizen, &id), |a| {
        data::concern(db, &a)
    })
    .unwrap();
    assert_eq!(booked.state, ConcernState::ConversationBooked);
    assert_eq!(
        booked.conversation_at.as_deref(),
        Some("mandag 2. marts 2099 kl. 10.30")
    );
    assert_eq!(
        booked.conversation_place.as_deref(),
        Some("Jobcenter København, lokale 3")
    );
    // Due five working days after the conversation.
    assert_eq!(booked.expected_by.as_deref(), Some("mandag 9. marts 2099"));
    crate::via!(crate::auth::policy::act_on_concern(db, lars, &id), |a| {
        data::take_step(db, &a, &answer)
    })
    .unwrap();
    crate::via!(crate::auth::policy::act_on_concern(db, lars, &id), |a| {
        data::take_step(db, &a, &answer)
    })
    .unwrap();
    let answered = crate::via!(crate::auth::policy::concern(db, &w.citizen, &id), |a| {
        data::concern(db, &a)
    })
    .unwrap();
    assert_eq!(
        states(&answered),
        vec![
            ConcernState::Sent,
            ConcernState::Received,
            ConcernState::BeingAssessed,
            ConcernState::ConversationBooked,
            ConcernState::Answered
        ]
    );
    assert_eq!(answered.outcome, Some(ConcernOutcome::Adjust));
    assert_eq!(
        answered.assessment.as_deref(),
        Some("Praktikken kan fortsætte med kortere dage.")
    );
    assert_eq!(answered.expected_by, None);
    // Answered is final: no other answer, no withdrawal; the activity no longer waits.
    let other = Step::parse_answer(Some("1"), "Alligevel").unwrap();
    assert!(
        crate::via!(crate::auth::policy::act_on_concern(db, lars, &id), |a| {
            data::take_step(db, &a, &other)
        })
        .is_err()
    );
    assert!(
        crate::via!(crate::auth::policy::act_on_concern(db, &w.citizen, &id), |a| {
            data::take_step(db, &a, &Step::To(ConcernState::Withdrawn))
        })
        .is_err()
    );
    assert_eq!(
        crate::via!(crate::auth::policy::concern(db, &w.citizen, &id), |a| {
            data::concern(db, &a)
        })
        .unwrap()
        .outcome,
        Some(ConcernOutcome::Adjust)
    );
    let plan = crate::plan::data::plan(db, &crate::testing::own(&w.citizen).await.unwrap(), None)
        .await
        .unwrap();
    assert!(plan.upcoming.iter().all(|a| !a.awaiting_assessment));
});

db_test!(the_citizen_may_withdraw_an_open_request, |db| {
    let w = world(db, true).await;
    let id = crate::via!(crate::testing::own(&w.citizen), |a| data::raise(
        db,
        &a,
        &about(&w.placement, false),
        &new_id()
    ))
    .unwrap();
    // The citizen cannot move it forward.
    let e = crate::via!(crate::auth::policy::act_on_concern(db, &w.citizen, &id), |a| {
        data::take_step(db, &a, &Step::To(ConcernState::Received))
    })
    .unwrap_err();
    assert_eq!(e.message(), Msg::ConcernStepNotPossible);
    crate::via!(crate::auth::policy::act_on_concern(db, &w.citizen, &id), |a| {
        data::take_step(db, &a, &Step::To(ConcernState::Withdrawn))
    })
    .unwrap();
    crate::via!(crate::auth::policy::act_on_concern(db, &w.citizen, &id), |a| {
        data::take_step(db, &a, &Step::To(ConcernState::Withdrawn))
    })
    .unwrap();
    assert_eq!(events_of(db, &id).await, 2);
    assert!(crate::concerns::queue(db, &w.coordinator)
        .await
        .unwrap()
        .is_empty());
    assert!(crate::via!(
        crate::auth::policy::act_on_concern(db, &w.coordinator, &id),
        |a| data::take_step(db, &a, &Step::To(ConcernState::Received))
    )
    .is_err());
});

db_test!(
    only_the_citizen_their_caseworker_and_the_assigned_coordinator_see_a_request,
    |db| {
        let w = world(db, true).await;
        let id = crate::via!(crate::testing::own(&w.citizen), |a| data::raise(
            db,
            &a,
            &about(&w.placement, false),
            &new_id()
        ))
        .unwrap();
        let stranger = user(db, Role::Citizen, "Fremmed").await;
        let other_caseworker = user(db, Role::Caseworker, "Jonas").await;
        let other_coordinator = user(db, Role::HealthCoordinator, "Eva").await;
        let admin = user(db, Role::Administrator, "Admin").await;
        for outsider in [&stranger, &other_caseworker, &other_coordinator, &admin] {
            assert_eq!(
                crate::via!(
                    crate::auth::policy::concern(db, outsider, &id),
                    |a| data::concern(db, &a)
                ),
                Err(AppError::NotFound),
                "{:?}",
                outsider.role
            );
            assert_eq!(
                crate::via!(crate::auth::policy::act_on_concern(db, outsider, &id), |a| {
                    data::take_step(db, &a, &Step::To(ConcernState::Received))
                }),
                Err(AppError::NotFound)
            );
            assert_eq!(audit_count(db, outsider, &w.citizen).await, 0);
        }
        assert_eq!(
            crate::via!(
                crate::testing::citizen_or_caseworker(db, &other_caseworker, &w.citizen.id),
                |a| data::for_citizen(db, &a)
            ),
            Err(AppError::NotFound)
        );
        assert_eq!(
            crate::via!(
                crate::auth::policy::coordinator_request(db, &w.caseworker, &id),
                |a| crate::concerns::request(db, &a)
            )
            .map(|_| ()),
            Err(AppError::NotFound)
        );
        // The caseworker reads it but does not act on it; the read is audited.
        assert!(
            crate::via!(crate::auth::policy::concern(db, &w.caseworker, &id), |a| {
                data::concern(db, &a)
            })
            .is_ok()
        );
        assert_eq!(audit_count(db, &w.caseworker, &w.citizen).await, 1);
        assert_eq!(
            crate::via!(crate::auth::policy::act_on_concern(db, &w.caseworker, &id), |a| {
                data::take_step(db, &a, &Step::To(ConcernState::Received))
            }),
            Err(AppError::NotFound)
        );
        // The coordinator's read of the request is audited too.
        crate::via!(
            crate::auth::policy::coordinator_request(db, &w.coordinator, &id),
            |a| crate::concerns::request(db, &a)
        )
        .unwrap();
        assert_eq!(audit_count(db, &w.coordinator, &w.citizen).await, 1);
        assert_eq!(events_of(db, &id).await, 1, "nobody moved it");
    }
);

db_test!(the_coordinator_sees_wellbeing_only_as_shared_and_attached, |db| {
    let w = world(db, true).await;
    for (days_ago, shared) in [(1, true), (2, false), (3, true)] {
        let date = jiff::Zoned::now()
            .with_time_zone(crate::time::copenhagen())
            .date()
            .checked_sub(jiff::Span::new().days(days_ago))
            .unwrap();
        sqlx::query(
            "INSERT INTO wellbeing_entries (id, citizen_id, entry_date, mood, energy, pain, sleep, shared, \
               idempotency_key, created_at, updated_at) VALUES ($1, $2, $3, 2, 2, 4, 2, $4, $5, $6, $6)",
        )
        .bind(new_id())
        .bind(&w.citizen.id)
        .bind(date.to_string())
        .bind(i64::from(shared))
        .bind(new_id())
        .bind(now_ms())
        .execute(db.pool())
        .await
        .unwrap();
    }
    let without = crate::via!(crate::testing::own(&w.citizen), |a| data::raise(
        db,
        &a,
        &about("", false),
        &new_id()
    ))
    .unwrap();
    let with = crate::via!(crate::testing::own(&w.citizen), |a| data::raise(
        db,
        &a,
        &about(&w.placement, true),
        &new_id()
    ))
    .unwrap();
    assert_eq!(
        crate::via!(
            crate::auth::policy::coordinator_request(db, &w.coordinator, &without),
            |a| crate::concerns::request(db, &a)
        )
        .unwrap()
        .wellbeing,
        None
    );
    let request = crate::via!(
        crate::auth::policy::coordinator_request(db, &w.coordinator, &with),
        |a| crate::concerns::request(db, &a)
    )
    .unwrap();
    let days = request.wellbeing.expect("attached");
    assert_eq!(days.len(), 2, "the unshared day stays private");
    assert!(days.iter().all(|d| d.visible_to_caseworker));
    assert_eq!(request.caseworker.map(|(name, _)| name).as_deref(), Some("Mette"));
    assert!(request.course.is_some());
});

db_test!(
    a_new_concern_tells_coordinator_and_caseworker_and_an_answer_tells_the_citizen,
    |db| {
        use crate::notifications::data::{subscribe, Subscription};
        let w = world(db, true).await;
        let key = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
        for who in [&w.citizen, &w.coordinator, &w.caseworker] {
            let sub = Subscription::parse(
                &format!("https://push.example.net/{}", who.id),
                key,
                "tBHItJI5svbpez7KI4CCXg",
                &crate::notifications::endpoint::PushPolicy::allowing_private_for_tests(),
            )
            .unwrap();
            subscribe(db, who, &sub).await.unwrap();
        }
        let queued = |who: &CurrentUser| {
            let id = who.id.clone();
            async move {
                sqlx::query_scalar::<_, String>(
                    "SELECT kind FROM push_outbox WHERE user_id = $1 ORDER BY created_at",
                )
                .bind(id)
                .fetch_all(db.pool())
                .await
                .unwrap()
            }
        };
        let form = new_id();
        let id = crate::via!(crate::testing::own(&w.citizen), |a| data::raise(
            db,
            &a,
            &about(&w.placement, false),
            &form
        ))
        .unwrap();
        crate::via!(crate::testing::own(&w.citizen), |a| data::raise(
            db,
            &a,
            &about(&w.placement, false),
            &form
        ))
        .unwrap();
        assert_eq!(queued(&w.coordinator).await, vec!["new_concern"]);
        assert_eq!(queued(&w.caseworker).await, vec!["new_concern"]);
        assert!(queued(&w.citizen).await.is_empty());
        let lars = &w.coordinator;
        for step in [
            Step::To(ConcernState::Received),
            Step::To(ConcernState::BeingAssessed),
        ] {
            crate::via!(crate::auth::policy::act_on_concern(db, lars, &id), |a| {
                data::take_step(db, &a, &step)
            })
            .unwrap();
        }
        assert!(
            queued(&w.citizen).await.is_empty(),
            "only the answer is announced"
        );
        let answer = Step::parse_answer(Some("1"), "Du kan fortsætte.").unwrap();
        crate::via!(crate::auth::policy::act_on_concern(db, lars, &id), |a| {
            data::take_step(db, &a, &answer)
        })
        .unwrap();
        crate::via!(crate::auth::policy::act_on_concern(db, lars, &id), |a| {
            data::take_step(db, &a, &answer)
        })
        .unwrap();
        assert_eq!(queued(&w.citizen).await, vec!["concern_answered"]);
    }
);

db_test!(news_of_a_request_reaches_the_overview_and_its_activity, |db| {
    let w = world(db, true).await;
    let own = crate::testing::own(&w.citizen).await.unwrap();
    let lars = &w.coordinator;
    let id = data::raise(db, &own, &about(&w.placement, false), &new_id())
        .await
        .unwrap();
    // Sent: no news yet on the overview, but the activity says where it stands.
    assert!(data::news(db, &own, 0).await.unwrap().is_empty());
    let sent = data::latest_for_activity(db, &own, &w.placement).await.unwrap();
    let sent = sent.expect("the activity shows the request");
    assert_eq!((sent.id.as_str(), sent.state), (id.as_str(), ConcernState::Sent));
    let steps = [
        Step::To(ConcernState::Received),
        Step::parse_booking("2099-03-02", "10:30", "Telefon", 4_070_000_000_000).unwrap(),
    ];
    for step in &steps {
        let act = crate::auth::policy::act_on_concern(db, lars, &id).await.unwrap();
        data::take_step(db, &act, step).await.unwrap();
    }
    let booked = data::news(db, &own, 0).await.unwrap();
    assert_eq!(booked.len(), 1);
    assert_eq!(booked[0].state, ConcernState::ConversationBooked);
    assert_eq!(
        booked[0].conversation_at.as_deref(),
        Some("mandag 2. marts 2099 kl. 10.30")
    );
    assert_eq!(
        booked[0].activity_title.as_deref(),
        Some("Praktik i pakkeafdelingen")
    );
    let act = crate::auth::policy::act_on_concern(db, lars, &id).await.unwrap();
    let answer = Step::parse_answer(Some("2"), "Kortere dage.").unwrap();
    data::take_step(db, &act, &answer).await.unwrap();
    // An answer is news for a while, then only on its own page and its activity.
    let answered = data::news(db, &own, now_ms() - data::ANSWER_NEWS_MS)
        .await
        .unwrap();
    let states: Vec<_> = answered.iter().map(|n| n.state).collect();
    assert_eq!(states, vec![ConcernState::Answered]);
    assert!(data::news(db, &own, now_ms() + 1).await.unwrap().is_empty());
    let latest = data::latest_for_activity(db, &own, &w.placement).await.unwrap();
    assert_eq!(latest.map(|n| n.state), Some(ConcernState::Answered));
    // Nobody else's requests are in a citizen's news.
    let other = user(db, Role::Citizen, "Birgitte").await;
    let theirs = crate::testing::own(&other).await.unwrap();
    assert!(data::news(db, &theirs, 0).await.unwrap().is_empty());
    let on_theirs = data::latest_for_activity(db, &theirs, &w.placement)
        .await
        .unwrap();
    assert_eq!(on_theirs, None);
});
