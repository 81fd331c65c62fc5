//! The language choice, the installable app and its offline pages, and
//! which pages load the WebAssembly.
use crate::spawn_app;
use crate::support::{both, citizen_id, TestApp};
use axum::http::{header, StatusCode};

both!(language_choice_is_remembered, |app| {
    let (status, h, _) = app.post_form("/api/language", "lang=en", None).await;
    assert_eq!(status, StatusCode::FOUND);
    let cookie = h[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(cookie, "lang=en");
    let (_, _, body) = app.get("/login", Some(&cookie)).await;
    assert!(body.contains("<html lang=\"en\"") && body.contains("Log in"));
    // An unknown language is refused and changes nothing.
    let (_, h, _) = app.post_form("/api/language", "lang=xx", None).await;
    assert!(h.get(header::SET_COOKIE).is_none());
});

both!(
    the_app_installs_and_keeps_only_a_citizens_own_pages_offline,
    |app| {
        let (status, h, body) = app.get("/manifest.webmanifest", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h[header::CONTENT_TYPE], "application/manifest+json");
        let manifest: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(manifest["display"], "standalone");
        assert_eq!(manifest["start_url"], "/");
        let (status, h, body) = app.get("/sw.js", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h[header::CACHE_CONTROL], "no-cache");
        assert!(
            body.starts_with("const BUILD = {") && body.contains("\"version\":"),
            "{}",
            &body[..body.len().min(80)]
        );

        let key_of =
            |h: &axum::http::HeaderMap| h.get("x-offline-key").map(|v| v.to_str().unwrap().to_string());
        let sofie = app.login("sofie@demo.mitforlob.dk").await;
        let (_, h, page) = app.get("/plan", Some(&sofie)).await;
        let sofie_key = key_of(&h).expect("a citizen's page may be kept offline");
        assert!(page.contains(&format!("<meta name=\"mitforlob-owner\" content=\"{sofie_key}\"")));
        // The exact marker the service worker fills in for a page served
        // offline, and the sentence app.js then writes with the page and time.
        assert!(page.contains("data-offline-banner hidden"));
        assert!(page.contains("<span data-offline-sentence>"));
        assert!(!sofie_key.contains(&citizen_id(app, "sofie@demo.mitforlob.dk").await));
        let ali = app.login("ali@demo.mitforlob.dk").await;
        let (_, h, _) = app.get("/plan", Some(&ali)).await;
        assert_ne!(
            key_of(&h).unwrap(),
            sofie_key,
            "one browser, two people: two keys"
        );
        let mette = app.login("mette@demo.mitforlob.dk").await;
        let (_, h, _) = app.get("/caseload", Some(&mette)).await;
        assert_eq!(key_of(&h), None, "staff pages are never kept");
        let (_, h, _) = app.get("/login", None).await;
        assert_eq!(key_of(&h), None);
    }
);

// Only a page with an island loads the WebAssembly (`app::islands`): the
// overview and the plan have none; a thread's message field (an island inside
// the page's `<Await>`) and the new-password fields have one.
both!(only_pages_with_an_island_load_the_webassembly, |app| {
    let ali = app.login("ali@demo.mitforlob.dk").await;
    let loads_wasm = |page: &str| page.contains("rel=\"modulepreload\"") && page.contains(".wasm");
    for path in ["/", "/plan", "/wellbeing", "/me", "/messages"] {
        let (status, _, page) = app.get(path, Some(&ali)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!page.contains("<leptos-island"), "{path} has no island");
        assert!(!loads_wasm(&page), "{path} loads no WebAssembly");
        // The idle warning is markup for app.js, not an island.
        assert!(page.contains("id=\"session-warning\""), "{path}");
    }
    let (_, _, page) = app.get("/login", None).await;
    assert!(!loads_wasm(&page), "the login page loads no WebAssembly");
    let (_, _, list) = app.get("/messages", Some(&ali)).await;
    let thread = list
        .match_indices("href=\"/messages/")
        .map(|(at, _)| list[at + 6..].split('"').next().unwrap())
        .find(|path| *path != "/messages/new")
        .expect("a thread")
        .to_string();
    let (_, _, page) = app.get(&thread, Some(&ali)).await;
    assert!(page.contains("<leptos-island"), "{thread} has its islands");
    assert!(loads_wasm(&page), "{thread} loads the WebAssembly");
    // After the page, so the islands are in the document when it runs.
    assert!(page.find("<leptos-island").unwrap() < page.find("rel=\"modulepreload\"").unwrap());
    // No island takes props (no JSON in the page for serde_json to read in
    // the browser): each writes what it needs into its own `data-*`.
    assert!(!page.contains("data-props"), "{thread}: islands take no props");
    // An attribute the page has, not empty.
    let said = |page: &str, attr: &str| {
        page.contains(&format!("{attr}=\"")) && !page.contains(&format!("{attr}=\"\""))
    };
    let id = thread.trim_start_matches("/messages/");
    assert!(
        page.contains(&format!("data-thread=\"{id}\"")),
        "the live thread knows its thread"
    );
    assert!(said(&page, "data-arrived"), "and what to announce");
    assert!(
        page.contains("data-max=\"4000\""),
        "the counter knows the maximum"
    );
    let key = format!("data-draft-key=\"mitforlob-draft:{id}\"");
    assert_eq!(
        page.matches(&key).count(),
        2,
        "the form and the counter know the draft's key"
    );
    assert!(said(&page, "data-count"), "and its text");
    let (_, _, page) = app.get("/activate", None).await;
    assert!(
        page.contains("<leptos-island") && loads_wasm(&page),
        "the new-password fields wake up"
    );
    assert!(
        !page.contains("data-props"),
        "the new-password fields take no props"
    );
    assert!(page.contains("data-min=\"10\""), "they know the minimum");
    assert!(
        ["data-one", "data-other", "data-ok", "data-same", "data-differ"]
            .iter()
            .all(|attr| said(&page, attr)),
        "and what to say"
    );
});
