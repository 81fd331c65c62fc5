//! A private calendar feed of the citizen's activities, for their phone's
//! calendar. Its address holds an unguessable token, shown once; only a hash
//! is stored. Making a new address or stopping the feed ends the old one.
use crate::error::AppError;
use crate::i18n::{t, texts, tf, Msg};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedStatus {
    pub created: String,
    pub show_titles: bool,
}

#[server(endpoint = "calendar-feed")]
pub async fn start_calendar_feed(show_titles: Option<String>) -> Result<(), AppError> {
    use crate::auth::{session, Flash};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    let token = data::start(&state.db, &access, show_titles.is_some()).await?;
    // The address the calendar app will fetch: this site, as the browser reached it.
    let host = crate::state::request_parts()
        .and_then(|p| {
            p.headers
                .get(http::header::HOST)?
                .to_str()
                .ok()
                .map(str::to_string)
        })
        .unwrap_or_else(|| "127.0.0.1:3000".into());
    let scheme = if crate::state::ClientInfo::current(&state.config).https {
        "https"
    } else {
        "http"
    };
    let url = format!("{scheme}://{host}/calendar/{token}.ics");
    session::set_flash(&state.db, &user.session_key, &Flash::CalendarFeed { url }).await?;
    crate::forms::succeed("/plan", Msg::FeedCreated, Some("calendar-heading"));
    Ok(())
}

#[server(endpoint = "stop-calendar-feed")]
pub async fn stop_calendar_feed() -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    data::stop(&state.db, &access).await?;
    crate::forms::succeed("/plan", Msg::FeedStopped, Some("calendar-heading"));
    Ok(())
}

/// The plan's calendar section: start a feed, see the new address once, stop it.
#[component]
pub fn CalendarFeed(status: Option<FeedStatus>, new_url: Option<String>) -> impl IntoView {
    view! {
        <section class="card no-print" aria-labelledby="calendar-heading">
            <h2 id="calendar-heading">{t(Msg::FeedTitle)}</h2>
            <p>{t(Msg::FeedIntro)}</p>
            {new_url
                .map(|url| {
                    view! {
                        <div class="alert alert-success" role="status">
                            <p>{t(Msg::FeedNewAddress)}</p>
                            <p class="code-box">
                                <a href=url.clone()>{url.clone()}</a>
                            </p>
                            <p>{t(Msg::FeedKeepPrivate)}</p>
                        </div>
                    }
                })}
            {match status {
                Some(s) => {
                    let words = tf(texts::FeedActive {
                        when: &s.created,
                    });
                    let titles = t(if s.show_titles { Msg::FeedShowsTitles } else { Msg::FeedHidesTitles });
                    view! {
                        <p>{words} " " {titles}</p>
                        <form method="post" action="/api/stop-calendar-feed" novalidate>
                            <button type="submit" class="button secondary">
                                {t(Msg::FeedStop)}
                            </button>
                        </form>
                    }
                        .into_any()
                }
                None => ().into_any(),
            }}
            <form method="post" action="/api/calendar-feed" novalidate class="stack">
                <div class="choice">
                    <input type="checkbox" id="show_titles" name="show_titles" value="yes" />
                    <label for="show_titles">{t(Msg::FeedShowTitlesLabel)}</label>
                </div>
                <p class="hint">{t(Msg::FeedShowTitlesHint)}</p>
                <button type="submit" class="button">
                    {t(Msg::FeedStart)}
                </button>
            </form>
        </section>
    }
}

#[cfg(feature = "ssr")]
pub mod data {
    use super::FeedStatus;
    use crate::auth::policy::CitizenAccess;
    use crate::db::{new_id, Db, Flag};
    use crate::error::AppError;
    use crate::i18n::Lang;
    use crate::time::{format_ms, now_ms};
    use sha2::{Digest, Sha256};

    fn token_hash(token: &str) -> String {
        hex::encode(Sha256::digest(token.as_bytes()))
    }

    /// Starts a new feed (ending any earlier one) and returns its token.
    pub async fn start(db: &Db, citizen: &CitizenAccess, show_titles: bool) -> Result<String, AppError> {
        let token = hex::encode(rand::random::<[u8; 20]>());
        let now = now_ms();
        let mut tx = db.begin().await?;
        sqlx::query("UPDATE calendar_feeds SET revoked_at = $1 WHERE citizen_id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(citizen.citizen_id())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO calendar_feeds (id, citizen_id, token_hash, show_titles, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(new_id())
        .bind(citizen.citizen_id())
        .bind(token_hash(&token))
        .bind(i64::from(show_titles))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    pub async fn stop(db: &Db, citizen: &CitizenAccess) -> Result<(), AppError> {
        sqlx::query("UPDATE calendar_feeds SET revoked_at = $1 WHERE citizen_id = $2 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(citizen.citizen_id())
            .execute(db.pool())
            .await?;
        Ok(())
    }

    #[derive(sqlx::FromRow)]
    struct StatusRow {
        created_at: i64,
        #[sqlx(try_from = "i64")]
        show_titles: Flag,
    }

    pub async fn status(db: &Db, citizen: &CitizenAccess) -> Result<Option<FeedStatus>, AppError> {
        let row = sqlx::query_as::<_, StatusRow>(
            "SELECT created_at, show_titles FROM calendar_feeds WHERE citizen_id = $1 AND revoked_at IS NULL",
        )
        .bind(citizen.citizen_id())
        .fetch_optional(db.pool())
        .await?;
        Ok(row.map(|r| FeedStatus {
            created: format_ms(r.created_at),
            show_titles: r.show_titles.0,
        }))
    }

    /// One event of the feed.
    #[derive(sqlx::FromRow)]
    pub struct FeedEvent {
        pub id: String,
        pub title: String,
        pub place: Option<String>,
        pub starts_at: i64,
        pub ends_at: Option<i64>,
    }

    /// The activities a live token's feed shows: from a week ago on, not
    /// cancelled. `None` for an unknown or stopped token.
    #[derive(sqlx::FromRow)]
    struct FeedRow {
        citizen_id: String,
        #[sqlx(try_from = "i64")]
        show_titles: Flag,
        language: String,
    }

    pub async fn events(db: &Db, token: &str) -> Result<Option<(Lang, bool, Vec<FeedEvent>)>, AppError> {
        let Some(feed) = sqlx::query_as::<_, FeedRow>(
            "SELECT f.citizen_id, f.show_titles, u.language FROM calendar_feeds f JOIN users u ON u.id = f.citizen_id \
             WHERE f.token_hash = $1 AND f.revoked_at IS NULL",
        )
        .bind(token_hash(token))
        .fetch_optional(db.pool())
        .await?
        else {
            return Ok(None);
        };
        let lang = Lang::parse(&feed.language).unwrap_or_default();
        let week_ago = now_ms() - 7 * 24 * 60 * 60 * 1000;
        let events = sqlx::query_as::<_, FeedEvent>(
            "SELECT a.id, a.title, a.place, a.starts_at, a.ends_at FROM activities a \
             JOIN courses c ON c.id = a.course_id \
             WHERE c.citizen_id = $1 AND c.status = 'active' AND a.status <> 'cancelled' AND a.starts_at >= $2 \
             ORDER BY a.starts_at LIMIT 500",
        )
        .bind(&feed.citizen_id)
        .bind(week_ago)
        .fetch_all(db.pool())
        .await?;
        Ok(Some((lang, feed.show_titles.0, events)))
    }
}
