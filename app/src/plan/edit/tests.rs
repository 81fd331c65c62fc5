//! Editing a plan, its history, and what the citizen sees of it, on both databases.
use super::data;
use crate::db::{new_id, Db};
use crate::db_test;
use crate::error::AppError;
use crate::model::{CurrentUser, Role};
use crate::plan::data::{citizen_plan, plan};
use crate::plan::history::{store, Entity, PlanField};
use crate::plan::rules::ActivityForm;
use crate::plan::rules::{local_time_value, CourseInput, GoalInput, PaidHoursInput};
use crate::plan::Marker;
use crate::testing::{assign, audit_count, course, user};
use crate::time::now_ms;

async fn count(db: &Db, sql: &str, id: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

fn tomorrow_form(title: &str) -> ActivityForm {
    ActivityForm {
        kind: "work_placement".into(),
        status: "planned".into(),
        title: title.into(),
        place: "Solgården".into(),
        starts_at: local_time_value(now_ms() + 24 * 3_600_000),
        ..Default::default()
    }
}

/// Lets the clock move on, so "after the last visit" is strictly after.
async fn tick() {
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
}

db_test!(
    a_caseworker_creates_and_changes_a_course_and_it_is_kept_as_history,
    |db| {
        let mette = user(db, Role::Caseworker, "Mette").await;
        let peter = user(db, Role::Caseworker, "Peter").await;
        let sofie = user(db, Role::Citizen, "Sofie").await;
        assign(db, &mette, &sofie).await;

        let edit = crate::via!(
            crate::testing::caseworker_read(db, &mette, &sofie.id, crate::audit::AuditAction::PlanEdit),
            |a| data::course_edit(db, &a)
        )
        .unwrap();
        assert!(!edit.exists);
        assert_eq!(
            audit_count(db, &mette, &sofie).await,
            1,
            "opening the form is a read"
        );

        let first = CourseInput::parse(
            "ressourceforloeb",
            "2026-01-05",
            "2028-01-05",
            "Et job i køkken",
            "2026-06-01".parse().unwrap(),
        )
        .unwrap();
        crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
            data::save_course(db, &a, &first)
        })
        .unwrap();
        // Saving the same again is no change and adds no history.
        crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
            data::save_course(db, &a, &first)
        })
        .unwrap();
        let longer = CourseInput::parse(
            "ressourceforloeb",
            "2026-01-05",
            "2029-01-05",
            "Et job i køkken",
            "2026-06-01".parse().unwrap(),
        )
        .unwrap();
        crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
            data::save_course(db, &a, &longer)
        })
        .unwrap();

        let shown = plan(db, &crate::testing::own(&sofie).await.unwrap(), None)
            .await
            .unwrap()
            .course
            .unwrap();
        assert_eq!(shown.planned_end, "fredag 5. januar 2029");
        assert_eq!(shown.main_goal.as_deref(), Some("Et job i køkken"));
        let course_id: String = sqlx::query_scalar("SELECT id FROM courses WHERE citizen_id = $1")
            .bind(&sofie.id)
            .fetch_one(db.pool())
            .await
            .unwrap();
        let history = store::for_item(db, Entity::Course, &course_id).await.unwrap();
        assert_eq!(history.len(), 2, "{history:?}");
        assert!(!history[0].created);
        assert_eq!(history[0].who, "Mette");
        assert_eq!(history[0].fields.len(), 1);
        assert_eq!(history[0].fields[0].field, PlanField::PlannedEnd);
        assert_eq!(history[0].fields[0].old.as_deref(), Some("05.01.2028"));
        assert_eq!(history[0].fields[0].new.as_deref(), Some("05.01.2029"));
        assert_eq!(
            history[0].in_words(),
            format!("Mette ændrede planlagt slutdato {}.", history[0].when)
        );
        assert!(history[1].created);

        // Another caseworker can neither read nor change it.
        assert_eq!(
            crate::via!(
                crate::testing::caseworker_read(db, &peter, &sofie.id, crate::audit::AuditAction::PlanEdit),
                |a| data::course_edit(db, &a)
            )
            .err(),
            Some(AppError::NotFound)
        );
        let other = CourseInput::parse(
            "jobafklaringsforloeb",
            "2026-02-01",
            "2027-02-01",
            "",
            "2026-06-01".parse().unwrap(),
        )
        .unwrap();
        assert_eq!(
            crate::via!(crate::testing::caseworker(db, &peter, &sofie.id), |a| {
                data::save_course(db, &a, &other)
            })
            .err(),
            Some(AppError::NotFound)
        );
        assert_eq!(
            crate::via!(crate::testing::caseworker(db, &sofie, &sofie.id), |a| {
                data::save_course(db, &a, &other)
            })
            .err(),
            Some(AppError::NotFound)
        );
        let kind: String = sqlx::query_scalar("SELECT kind FROM courses WHERE id = $1")
            .bind(&course_id)
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(kind, "ressourceforloeb");
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM courses WHERE citizen_id = $1",
                &sofie.id
            )
            .await,
            1
        );
    }
);

db_test!(a_new_activity_is_added_once_and_marked_for_the_citizen, |db| {
    let mette = user(db, Role::Caseworker, "Mette").await;
    let sofie = user(db, Role::Citizen, "Sofie").await;
    let ali = user(db, Role::Citizen, "Ali").await;
    assign(db, &mette, &sofie).await;
    let course_id = course(db, &sofie).await;

    // Sofie has seen her plan before the caseworker adds anything.
    crate::via!(crate::testing::own(&sofie), |a| citizen_plan(db, &a, true)).unwrap();
    tick().await;
    let key = new_id();
    let form = tomorrow_form("Praktik i Netto");
    let id = crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
        data::save_activity(db, &a, None, &key, &form)
    })
    .unwrap();
    assert_eq!(id, key);
    // The same form sent again (a double click, a retry) adds nothing.
    crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
        data::save_activity(db, &a, None, &key, &form)
    })
    .unwrap();
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM activities WHERE course_id = $1",
            &course_id
        )
        .await,
        1
    );
    assert_eq!(store::for_item(db, Entity::Activity, &id).await.unwrap().len(), 1);

    let seen = crate::via!(crate::testing::own(&sofie), |a| citizen_plan(db, &a, true)).unwrap();
    assert_eq!(seen.upcoming[0].title, "Praktik i Netto");
    assert_eq!(seen.upcoming[0].marker, Some(Marker::New));
    let visit_sql = "SELECT seen_at FROM plan_visits WHERE user_id = $1";
    let recorded = count(db, visit_sql, &sofie.id).await;
    // Seen now: no longer news. A visit that finds nothing new writes
    // nothing: the recorded visit stays the one that showed the news.
    tick().await;
    let again = crate::via!(crate::testing::own(&sofie), |a| citizen_plan(db, &a, true)).unwrap();
    assert_eq!(again.upcoming[0].marker, None);
    assert_eq!(count(db, visit_sql, &sofie.id).await, recorded);

    tick().await;
    let mut moved = form.clone();
    moved.place = "Netto, Vesterbrogade".into();
    crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
        data::save_activity(db, &a, Some(&id), &new_id(), &moved)
    })
    .unwrap();
    // Printing the plan does not count as a visit.
    let printed = crate::via!(crate::testing::own(&sofie), |a| citizen_plan(db, &a, false)).unwrap();
    assert_eq!(printed.upcoming[0].marker, Some(Marker::Changed));
    let changed = crate::via!(crate::testing::own(&sofie), |a| citizen_plan(db, &a, true)).unwrap();
    assert_eq!(changed.upcoming[0].marker, Some(Marker::Changed));
    assert_eq!(changed.upcoming[0].place.as_deref(), Some("Netto, Vesterbrogade"));
    let history = store::for_item(db, Entity::Activity, &id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        history[0].in_words(),
        format!("Mette ændrede sted {}.", history[0].when)
    );

    // Bad input changes nothing.
    let mut bad = moved.clone();
    bad.title = " ".into();
    bad.place = "Et andet sted".into();
    let refused = crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
        data::save_activity(db, &a, Some(&id), &new_id(), &bad)
    });
    assert!(
        matches!(refused, Err(AppError::Invalid { ref field, .. }) if field == "title"),
        "{refused:?}"
    );
    assert_eq!(store::for_item(db, Entity::Activity, &id).await.unwrap().len(), 2);

    // Nobody else can add to or change Sofie's plan.
    for outsider in [&sofie, &ali] {
        let r = crate::via!(crate::testing::caseworker(db, outsider, &sofie.id), |a| {
            data::save_activity(db, &a, Some(&id), &new_id(), &bad)
        });
        assert_eq!(r.err(), Some(AppError::NotFound));
    }
    let peter = user(db, Role::Caseworker, "Peter").await;
    let r = crate::via!(crate::testing::caseworker(db, &peter, &sofie.id), |a| {
        data::save_activity(db, &a, None, &new_id(), &form)
    });
    assert_eq!(r.err(), Some(AppError::NotFound));
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM activities WHERE course_id = $1",
            &course_id
        )
        .await,
        1
    );
});

db_test!(goals_are_rated_by_their_citizen_once_per_form, |db| {
    let mette = user(db, Role::Caseworker, "Mette").await;
    let sofie = user(db, Role::Citizen, "Sofie").await;
    let ali = user(db, Role::Citizen, "Ali").await;
    assign(db, &mette, &sofie).await;
    course(db, &sofie).await;
    let goal = GoalInput::parse("Arbejde 10 timer om ugen", "").unwrap();
    let goal_id = crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
        data::save_goal(db, &a, None, &new_id(), &goal)
    })
    .unwrap();

    let rate = crate::plan::responses::data::rate_goal;
    let key = new_id();
    crate::via!(crate::testing::own(&sofie), |a| rate(
        db,
        &a,
        &goal_id,
        2,
        Some("Svært i starten"),
        &key
    ))
    .unwrap();
    crate::via!(crate::testing::own(&sofie), |a| rate(
        db,
        &a,
        &goal_id,
        2,
        Some("Svært i starten"),
        &key
    ))
    .unwrap();
    crate::via!(crate::testing::own(&sofie), |a| rate(
        db,
        &a,
        &goal_id,
        4,
        None,
        &new_id()
    ))
    .unwrap();
    assert_eq!(
        crate::via!(crate::testing::own(&ali), |a| rate(
            db,
            &a,
            &goal_id,
            5,
            None,
            &new_id()
        ))
        .err(),
        Some(AppError::NotFound)
    );
    assert_eq!(
        crate::via!(crate::testing::own(&mette), |a| rate(
            db,
            &a,
            &goal_id,
            5,
            None,
            &new_id()
        ))
        .err(),
        Some(AppError::NotFound)
    );

    let seen = plan(db, &crate::testing::own(&sofie).await.unwrap(), None)
        .await
        .unwrap();
    let ratings: Vec<i64> = seen.goals[0].ratings.iter().map(|r| r.rating).collect();
    assert_eq!(ratings.len(), 2, "{ratings:?}");
    assert_eq!(ratings.iter().sum::<i64>(), 6);
    let edit = crate::via!(
        crate::testing::caseworker_read(db, &mette, &sofie.id, crate::audit::AuditAction::PlanEdit),
        |a| data::goal_edit(db, &a, Some(&goal_id))
    )
    .unwrap();
    assert_eq!(edit.ratings.len(), 2, "the caseworker sees the ratings too");
});

db_test!(reflections_and_feedback_reach_the_caseworker_once, |db| {
    let mette = user(db, Role::Caseworker, "Mette").await;
    let sofie = user(db, Role::Citizen, "Sofie").await;
    let ali = user(db, Role::Citizen, "Ali").await;
    assign(db, &mette, &sofie).await;
    course(db, &sofie).await;
    let id = crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
        data::save_activity(db, &a, None, &new_id(), &tomorrow_form("Mentor"))
    })
    .unwrap();
    use crate::plan::responses::data::{add_reflection, for_activity, for_citizen, give_feedback};

    let key = new_id();
    crate::via!(crate::testing::own(&sofie), |a| add_reflection(
        db,
        &a,
        &id,
        "Det gik fint, men jeg var træt bagefter.",
        &key
    ))
    .unwrap();
    crate::via!(crate::testing::own(&sofie), |a| add_reflection(
        db,
        &a,
        &id,
        "Det gik fint, men jeg var træt bagefter.",
        &key
    ))
    .unwrap();
    crate::via!(crate::testing::own(&sofie), |a| give_feedback(
        db,
        &a,
        &id,
        4,
        Some("Rart at møde nogen"),
        &new_id()
    ))
    .unwrap();
    assert_eq!(
        crate::via!(crate::testing::own(&ali), |a| add_reflection(
            db,
            &a,
            &id,
            "x",
            &new_id()
        ))
        .err(),
        Some(AppError::NotFound)
    );
    assert_eq!(
        crate::via!(crate::testing::own(&mette), |a| give_feedback(
            db,
            &a,
            &id,
            1,
            None,
            &new_id()
        ))
        .err(),
        Some(AppError::NotFound)
    );

    let on_activity = for_activity(db, &crate::testing::own(&sofie).await.unwrap(), &id)
        .await
        .unwrap();
    assert_eq!(on_activity.reflections.len(), 1);
    assert_eq!(on_activity.feedback.len(), 1);
    assert_eq!(on_activity.feedback[0].rating, 4);
    let all = for_citizen(db, &crate::testing::own(&sofie).await.unwrap())
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert!(all
        .iter()
        .any(|r| r.rating == Some(4) && r.text.as_deref() == Some("Rart at møde nogen")));
    assert!(all
        .iter()
        .any(|r| r.rating.is_none() && r.activity_title == "Mentor"));
    assert!(for_citizen(db, &crate::testing::own(&ali).await.unwrap())
        .await
        .unwrap()
        .is_empty());
});

db_test!(paid_hours_are_one_number_per_week_with_history, |db| {
    let mette = user(db, Role::Caseworker, "Mette").await;
    let sofie = user(db, Role::Citizen, "Sofie").await;
    assign(db, &mette, &sofie).await;
    let course_id = course(db, &sofie).await;
    // Thursday and Sunday of the same week.
    crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
        data::record_paid_hours(db, &a, &PaidHoursInput::parse("2026-11-26", "12").unwrap())
    })
    .unwrap();
    crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
        data::record_paid_hours(db, &a, &PaidHoursInput::parse("29.11.2026", "15").unwrap())
    })
    .unwrap();
    crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
        data::record_paid_hours(db, &a, &PaidHoursInput::parse("2026-11-16", "8").unwrap())
    })
    .unwrap();
    let weeks = plan(db, &crate::testing::own(&sofie).await.unwrap(), None)
        .await
        .unwrap()
        .paid_hours;
    let shown: Vec<(i64, String, i64)> = weeks.into_iter().map(|w| (w.number, w.week, w.hours)).collect();
    assert_eq!(
        shown,
        vec![
            (47, "16. november 2026".into(), 8),
            (48, "23. november 2026".into(), 15)
        ]
    );
    let id: String =
        sqlx::query_scalar("SELECT id FROM paid_hours WHERE course_id = $1 AND week_start = '2026-11-23'")
            .bind(&course_id)
            .fetch_one(db.pool())
            .await
            .unwrap();
    let history = store::for_item(db, Entity::PaidHours, &id).await.unwrap();
    assert_eq!(history.len(), 2);
    let change = history[0]
        .fields
        .iter()
        .find(|f| f.field == PlanField::PaidHours)
        .unwrap();
    assert_eq!(
        (change.old.as_deref(), change.new.as_deref()),
        (Some("12"), Some("15"))
    );
    let peter = user(db, Role::Caseworker, "Peter").await;
    let r = crate::via!(crate::testing::caseworker(db, &peter, &sofie.id), |a| {
        data::record_paid_hours(db, &a, &PaidHoursInput::parse("2026-11-16", "30").unwrap())
    });
    assert_eq!(r.err(), Some(AppError::NotFound));
    // Year 0, a negative year, a week after the course: refused, nothing stored.
    for week in ["0000-03-01", "2030-01-07"] {
        let input = PaidHoursInput::parse(week, "5").unwrap();
        let r = crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
            data::record_paid_hours(db, &a, &input)
        });
        let refused = AppError::invalid("week", crate::i18n::Msg::RulesWeekOutsideCourse);
        assert_eq!(r.err(), Some(refused), "{week}");
    }
    for week in ["-000001-03-01", "-0001-03-01"] {
        let r = match PaidHoursInput::parse(week, "5") {
            Ok(input) => crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
                data::record_paid_hours(db, &a, &input)
            }),
            Err(e) => Err(e),
        };
        assert_eq!(r.err().as_ref().and_then(AppError::field), Some("week"), "{week}");
    }
    let weeks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM paid_hours WHERE course_id = $1")
        .bind(&course_id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(weeks, 2);
});

db_test!(a_calendar_feed_lives_until_replaced_or_stopped, |db| {
    use crate::plan::feed::data::{events, start, status, stop};
    let mette = user(db, Role::Caseworker, "Mette").await;
    let sofie = user(db, Role::Citizen, "Sofie").await;
    assign(db, &mette, &sofie).await;
    course(db, &sofie).await;
    crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
        data::save_activity(db, &a, None, &new_id(), &tomorrow_form("Samtale på Rygcenteret"))
    })
    .unwrap();
    let mut cancelled = tomorrow_form("Aflyst møde");
    cancelled.status = "cancelled".into();
    crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
        data::save_activity(db, &a, None, &new_id(), &cancelled)
    })
    .unwrap();

    assert_eq!(
        status(db, &crate::testing::own(&sofie).await.unwrap())
            .await
            .unwrap(),
        None
    );
    let first = start(db, &crate::testing::own(&sofie).await.unwrap(), false)
        .await
        .unwrap();
    assert_eq!(first.len(), 40);
    let (_, show_titles, list) = events(db, &first).await.unwrap().unwrap();
    assert!(!show_titles);
    let titles: Vec<&str> = list.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(
        titles,
        vec!["Samtale på Rygcenteret"],
        "cancelled activities are left out"
    );

    let second = start(db, &crate::testing::own(&sofie).await.unwrap(), true)
        .await
        .unwrap();
    assert!(
        events(db, &first).await.unwrap().is_none(),
        "a new link ends the old one"
    );
    assert!(events(db, &second).await.unwrap().unwrap().1);
    assert!(
        status(db, &crate::testing::own(&sofie).await.unwrap())
            .await
            .unwrap()
            .unwrap()
            .show_titles
    );
    stop(db, &crate::testing::own(&sofie).await.unwrap())
        .await
        .unwrap();
    assert!(events(db, &second).await.unwrap().is_none());
    assert_eq!(
        status(db, &crate::testing::own(&sofie).await.unwrap())
            .await
            .unwrap(),
        None
    );
    assert!(events(db, &"0".repeat(40)).await.unwrap().is_none());
});

async fn course_ending_in(db: &Db, citizen: &CurrentUser, months: i32) {
    let today = crate::time::today();
    let start = crate::time::add_months(&today, -6).unwrap();
    let end = crate::time::add_months(&today, months).unwrap();
    sqlx::query(
        "INSERT INTO courses (id, citizen_id, kind, status, start_date, planned_end_date, created_at, updated_at) \
         VALUES ($1, $2, 'jobafklaringsforloeb', 'active', $3, $4, $5, $5)",
    )
    .bind(new_id())
    .bind(&citizen.id)
    .bind(start)
    .bind(end)
    .bind(now_ms())
    .execute(db.pool())
    .await
    .unwrap();
}

db_test!(caseload_filters_find_who_needs_attention, |db| {
    use crate::caseload::{data::caseload, CaseloadFilter};
    let mette = user(db, Role::Caseworker, "Mette").await;
    let sofie = user(db, Role::Citizen, "Sofie").await;
    let ali = user(db, Role::Citizen, "Ali").await;
    let jens = user(db, Role::Citizen, "Jens").await;
    for c in [&sofie, &ali, &jens] {
        assign(db, &mette, c).await;
    }
    // Sofie: only a meeting held, which is not an activity under the 6-month
    // right. Ali: ends in 2 months, has an ongoing activity today.
    course(db, &sofie).await;
    let mut meeting = tomorrow_form("Første samtale");
    meeting.kind = "follow_up_meeting".into();
    meeting.status = "completed".into();
    crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
        data::save_activity(db, &a, None, &new_id(), &meeting)
    })
    .unwrap();
    course_ending_in(db, &ali, 2).await;
    let mut today = tomorrow_form("Praktik");
    today.status = "ongoing".into();
    today.starts_at = local_time_value(now_ms());
    crate::via!(crate::testing::caseworker(db, &mette, &ali.id), |a| {
        data::save_activity(db, &a, None, &new_id(), &today)
    })
    .unwrap();
    // Jens: ends in 5 months, nothing else.
    course_ending_in(db, &jens, 5).await;
    let mut started = tomorrow_form("Mentor");
    started.status = "completed".into();
    started.starts_at = local_time_value(now_ms() + 7 * 24 * 3_600_000);
    crate::via!(crate::testing::caseworker(db, &mette, &jens.id), |a| {
        data::save_activity(db, &a, None, &new_id(), &started)
    })
    .unwrap();

    let names = |v: crate::caseload::CaseloadView| v.rows.into_iter().map(|r| r.name).collect::<Vec<_>>();
    assert_eq!(
        names(caseload(db, &mette, CaseloadFilter::All).await.unwrap()),
        vec!["Ali", "Jens", "Sofie"]
    );
    assert_eq!(
        names(
            caseload(db, &mette, CaseloadFilter::NoActivityStarted)
                .await
                .unwrap()
        ),
        vec!["Sofie"]
    );
    assert_eq!(
        names(caseload(db, &mette, CaseloadFilter::EndingSoon).await.unwrap()),
        vec!["Ali"]
    );
    let view = caseload(db, &mette, CaseloadFilter::ActivityToday).await.unwrap();
    assert_eq!(
        view.counts
            .iter()
            .find(|(f, _)| *f == CaseloadFilter::All)
            .unwrap()
            .1,
        3
    );
    assert_eq!(names(view), vec!["Ali"]);
    let sofie_row = caseload(db, &mette, CaseloadFilter::All)
        .await
        .unwrap()
        .rows
        .pop()
        .unwrap();
    assert_eq!(
        sofie_row.six_month_deadline.as_deref(),
        Some("søndag 5. juli 2026")
    );
});
