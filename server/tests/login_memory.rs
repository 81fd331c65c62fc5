//! Logins give their memory back. argon2id works in 19 MiB per check; freed
//! the usual way, the allocator kept it (a server went from 18 MB to over
//! 500 MB after a few hundred logins). After 300 logins, this process (the
//! server's router and its database, in a test binary of its own so nothing
//! else runs in it) must hold at most twice what it held before the first.
mod support;

use support::{report, TestApp};

const LOGINS: usize = 300;

/// Resident memory of this process, in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("procfs");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_logins_keep_memory_within_twice_idle() {
    let app = TestApp::spawn(false).await;
    let people = [
        "sofie@demo.mitforlob.dk",
        "ali@demo.mitforlob.dk",
        "birgitte@demo.mitforlob.dk",
        "mette@demo.mitforlob.dk",
        "lars@demo.mitforlob.dk",
        "henrik@demo.mitforlob.dk",
    ];
    // Idle: serving pages, before any login.
    for _ in 0..20 {
        app.get("/login", None).await;
    }
    let idle = rss_kib();
    let started = std::time::Instant::now();
    // One login at a time per person (more at once would pause the account),
    // six people at once: more than the hashing bound, so they queue.
    let rounds = LOGINS / people.len();
    let tasks = people.iter().map(|email| {
        let app = &app;
        async move {
            for _ in 0..rounds {
                app.login(email).await;
            }
        }
    });
    futures::future::join_all(tasks).await;
    let took = started.elapsed();
    let after = rss_kib();
    let line = format!(
        "login memory: RSS {} MiB idle, {} MiB after {LOGINS} logins ({:.1}x; {:.0} logins/s, {} hash(es) at a time)",
        idle / 1024,
        after / 1024,
        after as f64 / idle as f64,
        LOGINS as f64 / took.as_secs_f64(),
        app::auth::password::concurrent_hashes(),
    );
    report(&line);
    assert!(after <= 2 * idle, "{line}");
    app.close().await;
}
