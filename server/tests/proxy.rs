//! Behind a reverse proxy: the client's address (login throttling) and
//! scheme (secure cookies, HSTS) come from `X-Forwarded-For` and
//! `X-Forwarded-Proto` only when the connection is from a trusted proxy.
//! Through the real router on SQLite and PostgreSQL.
use app::auth::rate_limit::MAX_PER_IP;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Request, StatusCode};
use server::client::TrustedProxies;
use server::config::ServeSettings;
use std::net::SocketAddr;
use tower::ServiceExt;

/// The proxy in front, trusted.
const PROXY: &str = "10.0.0.5";
/// Someone connecting directly, not trusted.
const STRANGER: &str = "192.0.2.10";

mod support;
use support::{both, TestApp};

async fn spawn_app(postgres: bool) -> TestApp {
    let limits = ServeSettings {
        trusted_proxies: TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap(),
        ..ServeSettings::default()
    };
    TestApp::spawn_with(postgres, |_| {}, &limits).await
}

impl TestApp {
    /// A login form sent over a connection from `peer`, with these extra headers.
    async fn login_from(
        &self,
        peer: &str,
        email: &str,
        password: &str,
        extra: &[(&str, &str)],
    ) -> (StatusCode, HeaderMap) {
        let body = format!("email={}&password={password}", email.replace('@', "%40"));
        let mut req = Request::post("/api/login")
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .header(header::REFERER, "http://127.0.0.1:3000/login")
            .header(header::CONTENT_LENGTH, body.len());
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let mut req = req.body(Body::from(body)).unwrap();
        let peer: SocketAddr = SocketAddr::new(peer.parse().unwrap(), 40000);
        req.extensions_mut().insert(ConnectInfo(peer));
        let res = self.router.clone().oneshot(req).await.unwrap();
        (res.status(), res.headers().clone())
    }

    /// `MAX_PER_IP` wrong passwords (each for another account, so only the
    /// address limit can be reached), each with the headers `extra(i)` gives.
    async fn fail_logins(&self, peer: &str, extra: impl Fn(i64) -> Vec<(String, String)>) {
        for i in 0..MAX_PER_IP {
            let headers = extra(i);
            let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let (status, h) = self
                .login_from(peer, &format!("nobody{i}@example.dk"), "wrong-password", &headers)
                .await;
            assert_eq!(status, StatusCode::FOUND);
            assert_eq!(where_to(&h), "/login?error=auth.login_failed");
        }
    }

    /// The address each recorded login attempt was keyed on, newest first.
    async fn attempt_ips(&self) -> Vec<String> {
        sqlx::query_scalar::<_, String>("SELECT ip FROM login_attempts ORDER BY at DESC")
            .fetch_all(self.db.pool())
            .await
            .unwrap()
    }
}

fn where_to(h: &HeaderMap) -> &str {
    h.get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

const GOOD: &str = app::seed::DEMO_PASSWORD;
const REFUSED: &str = "/login?error=auth.rate_limited";

both!(forged_forwarding_headers_from_anyone_else_are_ignored, |app| {
    // A new forged address on every try does not escape the limit.
    app.fail_logins(STRANGER, |i| {
        vec![
            ("x-forwarded-for".into(), format!("203.0.113.{i}")),
            ("forwarded".into(), format!("for=198.51.100.{i}")),
        ]
    })
    .await;
    let (_, h) = app
        .login_from(
            STRANGER,
            "mette@demo.mitforlob.dk",
            GOOD,
            &[("x-forwarded-for", "203.0.113.200")],
        )
        .await;
    assert_eq!(where_to(&h), REFUSED);
    assert!(app.attempt_ips().await.iter().all(|ip| ip == STRANGER));
});

both!(clients_behind_a_trusted_proxy_are_throttled_apart, |app| {
    // Client A fails over and over, behind the same proxy as everyone.
    app.fail_logins(PROXY, |_| vec![("x-forwarded-for".into(), "203.0.113.9".into())])
        .await;
    let (_, h) = app
        .login_from(
            PROXY,
            "mette@demo.mitforlob.dk",
            GOOD,
            &[("x-forwarded-for", "203.0.113.9")],
        )
        .await;
    assert_eq!(where_to(&h), REFUSED, "A is locked out");
    // Client B, through the same proxy, still gets in.
    let (status, h) = app
        .login_from(
            PROXY,
            "mette@demo.mitforlob.dk",
            GOOD,
            &[("x-forwarded-for", "198.51.100.7")],
        )
        .await;
    assert_eq!((status, where_to(&h)), (StatusCode::FOUND, "/"));
    assert!(h.contains_key(header::SET_COOKIE));
});

both!(a_chain_is_keyed_on_the_right_most_address_not_a_proxy, |app| {
    // What the client wrote itself (left) changes every time; what our
    // proxies added (right) is believed. Inner proxies are skipped.
    app.fail_logins(PROXY, |i| {
        vec![(
            "x-forwarded-for".into(),
            format!("203.0.113.{i}, 198.51.100.66, 127.0.0.1"),
        )]
    })
    .await;
    assert!(app.attempt_ips().await.iter().all(|ip| ip == "198.51.100.66"));
    let (_, h) = app
        .login_from(
            PROXY,
            "mette@demo.mitforlob.dk",
            GOOD,
            &[("x-forwarded-for", "1.2.3.4, 198.51.100.66")],
        )
        .await;
    assert_eq!(where_to(&h), REFUSED);
    // A value that cannot be read is no error: the proxy's own address counts.
    let (status, h) = app
        .login_from(
            PROXY,
            "sofie@demo.mitforlob.dk",
            GOOD,
            &[("x-forwarded-for", "not an address")],
        )
        .await;
    assert_eq!((status, where_to(&h)), (StatusCode::FOUND, "/"));
    assert_eq!(app.attempt_ips().await[0], PROXY);
});

both!(https_is_believed_only_from_a_trusted_proxy, |app| {
    let https = [("x-forwarded-proto", "https"), ("x-forwarded-for", "203.0.113.9")];
    let (_, h) = app
        .login_from(PROXY, "mette@demo.mitforlob.dk", GOOD, &https)
        .await;
    let cookie = h[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-mitforlob_session=") && cookie.contains("; Secure"),
        "{cookie}"
    );
    assert!(h.contains_key(header::STRICT_TRANSPORT_SECURITY));
    // RFC 7239's header says the same.
    let (_, h) = app
        .login_from(
            PROXY,
            "sofie@demo.mitforlob.dk",
            GOOD,
            &[("forwarded", "for=203.0.113.9;proto=https")],
        )
        .await;
    assert!(h[header::SET_COOKIE].to_str().unwrap().contains("; Secure"));
    assert!(h.contains_key(header::STRICT_TRANSPORT_SECURITY));

    for peer in [STRANGER, PROXY] {
        let headers: &[(&str, &str)] = if peer == STRANGER { &https } else { &[] };
        let (_, h) = app
            .login_from(peer, "mette@demo.mitforlob.dk", GOOD, headers)
            .await;
        let cookie = h[header::SET_COOKIE].to_str().unwrap();
        assert!(
            cookie.starts_with("mitforlob_session=") && !cookie.contains("Secure"),
            "{peer}: {cookie}"
        );
        assert!(!h.contains_key(header::STRICT_TRANSPORT_SECURITY), "{peer}");
    }
});
