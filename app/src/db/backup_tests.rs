//! `server backup`: a consistent copy made while writes go on holds every
//! write acknowledged before the backup began.
use super::{new_id, Db, DbError};
use crate::model::Role;
use crate::testing::{assign, course, user, TestDb};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_write_load_holds_every_write_acknowledged_before_it_began() {
    let t = TestDb::create(false).await;
    let db = t.migrated().await;
    let citizen = user(&db, Role::Citizen, "Sofie").await;
    let caseworker = user(&db, Role::Caseworker, "Mette").await;
    assign(&db, &caseworker, &citizen).await;
    course(&db, &citizen).await;
    let thread = crate::via!(
        crate::testing::citizen_or_caseworker(&db, &citizen, &citizen.id),
        |a| crate::messages::data::start_thread(&db, &a, "Backup", None, "hej", &new_id())
    )
    .unwrap();

    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for sender in [citizen.clone(), caseworker.clone()] {
        let (db, thread, acknowledged, stop) =
            (db.clone(), thread.clone(), acknowledged.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let token = new_id();
                if crate::via!(
                    crate::auth::policy::thread(&db, &sender, &thread, crate::auth::policy::Use::Write),
                    |a| crate::messages::data::reply(&db, &a, &thread, &token, &new_id(), false)
                )
                .is_ok()
                {
                    acknowledged.lock().unwrap().push(token);
                }
            }
        }));
    }
    // Load first, bounded.
    for _ in 0..500 {
        if acknowledged.lock().unwrap().len() >= 40 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    assert!(!before.is_empty(), "no writes before the backup");
    let file = std::env::temp_dir().join(format!("mitforlob-backup-{}.db", new_id()));
    db.backup_to(&file).await.expect("backup");
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    let all = acknowledged.lock().unwrap().len();

    // A second backup to the same file is refused: a backup is never overwritten.
    assert!(matches!(db.backup_to(&file).await, Err(DbError::BackupExists(_))));

    // Restore: open the copy as a database of its own.
    let restored = Db::connect(&format!("sqlite://{}", file.display()))
        .await
        .expect("open the backup");
    let mut lost = 0;
    for token in &before {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE body = $1")
            .bind(token)
            .fetch_one(restored.pool())
            .await
            .unwrap();
        assert!(n <= 1, "duplicated in the backup");
        lost += usize::from(n == 0);
    }
    crate::testing::fault_report(&format!(
        "backup under load: {} writes acknowledged before it began, {} in all, {lost} lost, 0 duplicated",
        before.len(),
        all
    ));
    assert_eq!(
        lost, 0,
        "writes acknowledged before the backup are missing from it"
    );
    restored.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    db.close().await;
    t.drop_it().await;
}

#[tokio::test]
async fn postgres_backups_point_to_its_own_tools() {
    let t = TestDb::create(true).await;
    let db = t.migrated().await;
    let file = std::env::temp_dir().join(format!("mitforlob-backup-{}.db", new_id()));
    assert!(matches!(db.backup_to(&file).await, Err(DbError::BackupPostgres)));
    assert!(!file.exists());
    db.close().await;
    t.drop_it().await;
}
