//! A full disk under SQLite, on a real (tmpfs) filesystem of a few MB: writes
//! may fail while it is full, but every write answered Ok must be in the
//! database after a restart, exactly once, and writing must work again by
//! itself once there is space (no "database is locked", no restart).
//!
//! Needs root (to mount); CI runs the tests as root. Elsewhere it says loudly
//! that it did not run.
use super::{new_id, Db};
use crate::concerns::data::NewConcern;
use crate::model::{CurrentUser, Role};
use crate::plan::rules::GoalInput;
use crate::testing::{assign, course, user};
use crate::wellbeing::CheckIn;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A small tmpfs, unmounted and removed again when dropped.
struct SmallDisk(PathBuf);

impl SmallDisk {
    /// None (after saying so) when this process may not mount.
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = std::env::temp_dir().join(format!("mitforlob-diskfull-{}", new_id()));
        std::fs::create_dir_all(&dir).expect("make mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .output()
            .expect("run mount");
        if out.status.success() {
            return Some(SmallDisk(dir));
        }
        let _ = std::fs::remove_dir(&dir);
        if !is_root() {
            eprintln!(
                "\n!!!!! SKIPPED: the disk-full test needs root to mount a small filesystem \
                 (it runs as root in CI). mount said: {}\n",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return None;
        }
        panic!(
            "running as root but could not mount a tmpfs: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

/// Fills what is left of the filesystem.
fn fill(path: &Path) {
    let mut f = std::fs::File::create(path).expect("create filler");
    let chunk = vec![0u8; 16 * 1024];
    while f.write_all(&chunk).is_ok() {}
    // The last bytes, so not even a page is left.
    while f.write_all(&[0u8]).is_ok() {}
    let _ = f.sync_all();
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Thread,
    Reply,
    Wellbeing,
    Concern,
    Goal,
}

const KINDS: [Kind; 5] = [
    Kind::Thread,
    Kind::Reply,
    Kind::Wellbeing,
    Kind::Concern,
    Kind::Goal,
];

struct People {
    citizen: CurrentUser,
    caseworker: CurrentUser,
    thread: String,
}

/// One write on a real write path, its text marked with `token`.
async fn write(db: &Db, p: &People, kind: Kind, token: &str, n: usize) -> Result<(), String> {
    let key = new_id();
    let done = match kind {
        Kind::Thread => crate::via!(
            crate::testing::citizen_or_caseworker(db, &p.citizen, &p.citizen.id),
            |a| crate::messages::data::start_thread(db, &a, token, None, "body", &key)
        )
        .map(|_| ()),
        Kind::Reply => crate::via!(
            crate::auth::policy::thread(db, &p.citizen, &p.thread, crate::auth::policy::Use::Write),
            |a| crate::messages::data::reply(db, &a, &p.thread, token, &key, false)
        ),
        Kind::Wellbeing => {
            // A day of its own for each entry, so none replaces another.
            let date = jiff::civil::date(2025, 1, 1)
                .checked_add(jiff::Span::new().days(n as i64))
                .expect("date")
                .to_string();
            let input = CheckIn {
                mood: 3,
                energy: 3,
                pain: 2,
                sleep: 3,
                note: Some(token.to_string()),
                activity_id: None,
                share: false,
            };
            crate::via!(crate::testing::own(&p.citizen), |a| {
                crate::wellbeing::data::log_on(db, &a, &input, &key, &date)
            })
            .map(|_| ())
        }
        Kind::Concern => {
            let input = NewConcern {
                description: token.to_string(),
                activity_id: None,
                attach_wellbeing: false,
            };
            crate::via!(crate::testing::own(&p.citizen), |a| crate::concerns::data::raise(
                db, &a, &input, &key
            ))
            .map(|_| ())
        }
        Kind::Goal => {
            let input = GoalInput {
                title: token.to_string(),
                description: None,
            };
            crate::via!(
                crate::testing::caseworker(db, &p.caseworker, &p.citizen.id),
                |a| crate::plan::edit::data::save_goal(db, &a, None, &key, &input)
            )
            .map(|_| ())
        }
    };
    done.map_err(|e| format!("{e:?}"))
}

async fn stored(db: &Db, kind: Kind, token: &str) -> i64 {
    let sql = match kind {
        Kind::Thread => "SELECT COUNT(*) FROM message_threads WHERE subject = $1",
        Kind::Reply => "SELECT COUNT(*) FROM messages WHERE body = $1",
        Kind::Wellbeing => "SELECT COUNT(*) FROM wellbeing_entries WHERE note = $1",
        Kind::Concern => "SELECT COUNT(*) FROM health_concerns WHERE description = $1",
        Kind::Goal => "SELECT COUNT(*) FROM goals WHERE title = $1",
    };
    sqlx::query_scalar::<_, i64>(sql)
        .bind(token)
        .fetch_one(db.pool())
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_a_full_disk_and_writing_recovers() {
    let Some(disk) = SmallDisk::mount("3m") else {
        return;
    };
    let url = format!("sqlite://{}", disk.0.join("mitforlob.db").display());
    let db = Db::connect(&url).await.expect("open");
    db.migrate().await.expect("migrate");
    let citizen = user(&db, Role::Citizen, "Sofie").await;
    let caseworker = user(&db, Role::Caseworker, "Mette").await;
    assign(&db, &caseworker, &citizen).await;
    course(&db, &citizen).await;
    let thread = crate::via!(
        crate::testing::citizen_or_caseworker(&db, &citizen, &citizen.id),
        |a| crate::messages::data::start_thread(&db, &a, "first", None, "hello", &new_id())
    )
    .expect("a thread to reply in");
    let people = People {
        citizen,
        caseworker,
        thread,
    };

    let mut acknowledged: Vec<(Kind, String)> = Vec::new();
    let mut attempted: Vec<(Kind, String)> = Vec::new();
    let mut n = 0;
    // Each write is bounded: a write stuck behind a leaked lock fails the test, not hangs it.
    let limit = Duration::from_secs(8);

    // Full: writes may fail, but each answer must be the truth.
    let filler = disk.0.join("filler");
    fill(&filler);
    let mut failed = 0;
    for _ in 0..6 {
        for kind in KINDS {
            n += 1;
            let token = format!("full-{n}-{}", new_id());
            attempted.push((kind, token.clone()));
            match tokio::time::timeout(limit, write(&db, &people, kind, &token, n)).await {
                Ok(Ok(())) => acknowledged.push((kind, token)),
                Ok(Err(_)) => failed += 1,
                Err(_) => panic!("a {kind:?} write hung while the disk was full"),
            }
        }
    }
    assert!(failed > 0, "the disk was not full: every write succeeded");

    // Space again: every write must succeed, with no restart.
    std::fs::remove_file(&filler).expect("remove filler");
    for _ in 0..4 {
        for kind in KINDS {
            n += 1;
            let token = format!("free-{n}-{}", new_id());
            attempted.push((kind, token.clone()));
            match tokio::time::timeout(limit, write(&db, &people, kind, &token, n)).await {
                Ok(Ok(())) => acknowledged.push((kind, token)),
                Ok(Err(e)) => panic!("a {kind:?} write failed after space returned: {e}"),
                Err(_) => panic!("a {kind:?} write hung after space returned (a leaked lock?)"),
            }
        }
    }

    // Restart: what was answered Ok is there, once; nothing is there twice.
    db.close().await;
    let db = Db::connect(&url).await.expect("reopen");
    let mut lost = 0;
    for (kind, token) in &acknowledged {
        match stored(&db, *kind, token).await {
            1 => {}
            0 => lost += 1,
            many => panic!("{kind:?} {token} stored {many} times"),
        }
    }
    for (kind, token) in &attempted {
        assert!(
            stored(&db, *kind, token).await <= 1,
            "{kind:?} {token} duplicated"
        );
    }
    crate::testing::fault_report(&format!(
        "disk full: {} writes acknowledged, {failed} refused while full, {lost} lost, 0 duplicated",
        acknowledged.len()
    ));
    assert_eq!(lost, 0, "acknowledged writes lost after a full disk");
    db.close().await;
    drop(disk);
}
