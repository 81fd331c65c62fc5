//! The WHO-5 wellbeing questionnaire, offered every two weeks: five items
//! answered 0–5, a score of 0–100 (the raw sum times four), explained kindly.
use super::HelpNow;
use crate::error::AppError;
use crate::forms::{Choices, FormStatus};
use crate::i18n::{t, texts, tf, Msg};
use crate::layout::Loaded;
use crate::layout::Title;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How often the questionnaire is offered.
pub const EVERY_DAYS: i64 = 14;

const ITEMS: [Msg; 5] = [
    Msg::Who5Item1,
    Msg::Who5Item2,
    Msg::Who5Item3,
    Msg::Who5Item4,
    Msg::Who5Item5,
];

/// The answer words, from 5 ("all of the time") down to 0 ("at no time").
fn answer_word(value: i64) -> Msg {
    match value {
        5 => Msg::Who5Answer5,
        4 => Msg::Who5Answer4,
        3 => Msg::Who5Answer3,
        2 => Msg::Who5Answer2,
        1 => Msg::Who5Answer1,
        _ => Msg::Who5Answer0,
    }
}

/// The score from the five answers: their sum times four.
pub fn score(answers: [i64; 5]) -> i64 {
    answers.iter().sum::<i64>() * 4
}

/// What a score means, in plain words. Low scores also show where to get help.
pub fn meaning(score: i64) -> Msg {
    match score {
        50.. => Msg::Who5MeaningGood,
        29..=49 => Msg::Who5MeaningLow,
        _ => Msg::Who5MeaningVeryLow,
    }
}

/// A short word for a score, for the caseworker's table.
pub fn band(score: i64) -> Msg {
    match meaning(score) {
        Msg::Who5MeaningGood => Msg::Who5BandGood,
        Msg::Who5MeaningLow => Msg::Who5BandLow,
        _ => Msg::Who5BandVeryLow,
    }
}

/// The WHO-5 results a citizen shared, as a table for their caseworker.
#[component]
pub fn SharedWho5(results: Vec<Who5Result>) -> impl IntoView {
    (!results.is_empty()).then(|| {
        view! {
            <crate::layout::DataTable caption=t(Msg::Who5SharedCaption) id="who5-shared">
                <thead>
                    <tr>
                        <th scope="col">{t(Msg::Who5SharedWhen)}</th>
                        <th scope="col">{t(Msg::Who5SharedScore)}</th>
                        <th scope="col">{t(Msg::Who5SharedBand)}</th>
                    </tr>
                </thead>
                <tbody>
                    {results
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr>
                                    <th scope="row">{r.answered}</th>
                                    <td>
                                        {tf(texts::Who5SharedOutOf {
                                            score: &r.score.to_string(),
                                        })}
                                    </td>
                                    <td>{t(band(r.score))}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </crate::layout::DataTable>
        }
    })
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Who5Result {
    pub score: i64,
    pub answered: String,
}

/// The questionnaire's place on the wellbeing page: due, or the latest result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Who5Status {
    pub latest: Option<Who5Result>,
    pub due: bool,
    /// When it is offered again, if not due.
    pub next: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Who5Page {
    pub status: Who5Status,
    pub form_key: String,
    /// The answers given, if the server just refused them.
    pub draft: Option<crate::forms::Draft>,
}

#[server]
pub async fn my_who5() -> Result<Who5Page, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    let flash = crate::auth::session::take_flash(&state.db, &user.session_key).await?;
    Ok(Who5Page {
        status: data::status(&state.db, &access).await?,
        form_key: crate::db::new_id(),
        draft: crate::forms::draft_for(&flash, "who5"),
    })
}

crate::form! {
    /// The five WHO-5 answers (0–5 each) and whether to share the result.
    pub struct Who5Form {
        pub item1: Option<String>,
        pub item2: Option<String>,
        pub item3: Option<String>,
        pub item4: Option<String>,
        pub item5: Option<String>,
        pub share: Option<String>,
    }
}

#[server(endpoint = "answer-who5")]
pub async fn answer_who5(form_key: String, #[server(flatten)] form: Who5Form) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let saved = async {
        let f = &form;
        let raw = [&f.item1, &f.item2, &f.item3, &f.item4, &f.item5];
        let mut answers = [0i64; 5];
        for (i, value) in raw.iter().enumerate() {
            answers[i] = match value.as_deref().unwrap_or_default().trim().parse::<i64>() {
                Ok(v) if (0..=5).contains(&v) => v,
                _ => {
                    return Err(AppError::invalid(
                        &format!("item{}", i + 1),
                        Msg::WellbeingAnswerMissing,
                    ))
                }
            };
        }
        let key = crate::forms::IdempotencyKey::parse(&form_key)?;
        let access = crate::auth::policy::own_data(&user)?;
        data::answer(&state.db, &access, answers, form.share.is_some(), &key).await
    }
    .await;
    match saved {
        Ok(()) => {
            crate::forms::succeed("/wellbeing/who5", Msg::Who5Saved, None);
            Ok(())
        }
        // Every answer given comes back, so only the missing one is left to do.
        Err(e) => crate::forms::fail_keeping("/wellbeing/who5", e, "who5", &form).await,
    }
}

/// The wellbeing page's card: an invitation when due, else the latest result.
#[component]
pub fn Who5Card(status: Who5Status) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="who5-heading">
            <h2 id="who5-heading">{t(Msg::Who5Title)}</h2>
            {status
                .latest
                .map(|r| {
                    view! {
                        <p>
                            {tf(texts::Who5Latest {
                                score: &r.score.to_string(),
                                when: &r.answered,
                            })}
                        </p>
                    }
                })}
            {if status.due {
                view! {
                    <p>
                        <a class="button secondary" href="/wellbeing/who5">
                            {t(Msg::Who5Start)}
                        </a>
                    </p>
                }
                    .into_any()
            } else {
                let next = status.next.unwrap_or_default();
                view! { <p>{tf(texts::Who5Next { when: &next })}</p> }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn Who5QuestionnairePage() -> impl IntoView {
    view! {
        <Title text=t(Msg::Who5Title) />
        <p>
            <a href="/wellbeing">{t(Msg::Who5Back)}</a>
        </p>
        <h1>{t(Msg::Who5Title)}</h1>
        <FormStatus />
        <Loaded future=my_who5() let:page>
            <Who5 page=page />
        </Loaded>
    }
}

#[component]
fn Who5(page: Who5Page) -> impl IntoView {
    provide_context(page.draft.clone().unwrap_or_default());
    let result = page.status.latest.clone().map(|r| {
        let m = meaning(r.score);
        view! {
            <section class="card" aria-labelledby="who5-result-heading">
                <h2 id="who5-result-heading">
                    {tf(texts::Who5YourScore {
                        score: &r.score.to_string(),
                    })}
                </h2>
                <p>
                    {tf(texts::Who5Answered {
                        when: &r.answered,
                    })}
                </p>
                <p>{t(m)}</p>
                <p class="hint">{t(Msg::Who5ScoreHint)}</p>
            </section>
            {(m != Msg::Who5MeaningGood).then(|| view! { <HelpNow /> })}
        }
    });
    view! {
        {result}
        {if page.status.due {
            view! { <Questionnaire form_key=page.form_key /> }.into_any()
        } else {
            let next = page.status.next.unwrap_or_default();
            view! { <p>{tf(texts::Who5Next { when: &next })}</p> }.into_any()
        }}
    }
}

#[component]
fn Questionnaire(form_key: String) -> impl IntoView {
    let shared = crate::forms::draft_value("share").is_some_and(|v| v == "yes");
    view! {
        <section class="card" aria-labelledby="who5-form-heading">
            <h2 id="who5-form-heading">{t(Msg::Who5Intro)}</h2>
            <form method="post" action="/api/answer-who5" novalidate class="stack">
                <input type="hidden" name="form_key" value=form_key />
                {ITEMS
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let name = format!("item{}", i + 1);
                        let options = (0..=5).rev().map(|v| (v, answer_word(v))).collect();
                        view! {
                            <Choices id=name.clone() name=name legend=t(item).to_string() options=options />
                        }
                    })
                    .collect_view()}
                <div class="choice">
                    <input type="checkbox" id="share" name="share" value="yes" checked=shared />
                    <label for="share">{t(Msg::Who5Share)}</label>
                </div>
                <button type="submit" class="button">
                    {t(Msg::Who5Send)}
                </button>
            </form>
        </section>
    }
}

#[cfg(feature = "ssr")]
pub mod data {
    use super::{score, Who5Result, Who5Status, EVERY_DAYS};
    use crate::auth::policy::{Access, CitizenAccess};
    use crate::db::{new_id, Db};
    use crate::error::AppError;
    use crate::time::{format_day, format_ms, now_ms, today};

    /// Stores one set of answers; a repeated send of the same form stores nothing more.
    pub async fn answer(
        db: &Db,
        citizen: &CitizenAccess,
        answers: [i64; 5],
        share: bool,
        key: &str,
    ) -> Result<(), AppError> {
        let stored = sqlx::query(
            "INSERT INTO who5_responses (id, citizen_id, answered_on, item1, item2, item3, item4, item5, score, \
               shared, idempotency_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(new_id())
        .bind(citizen.citizen_id())
        .bind(today())
        .bind(answers[0])
        .bind(answers[1])
        .bind(answers[2])
        .bind(answers[3])
        .bind(answers[4])
        .bind(score(answers))
        .bind(i64::from(share))
        .bind(key)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
        if stored.rows_affected() == 1 {
            return Ok(());
        }
        // The key was used before: a repeat of the same answers is done; other
        // answers (or someone else's key) must not be answered "saved".
        let same = sqlx::query(
            "SELECT 1 FROM who5_responses WHERE idempotency_key = $1 AND citizen_id = $2 \
             AND item1 = $3 AND item2 = $4 AND item3 = $5 AND item4 = $6 AND item5 = $7",
        )
        .bind(key)
        .bind(citizen.citizen_id())
        .bind(answers[0])
        .bind(answers[1])
        .bind(answers[2])
        .bind(answers[3])
        .bind(answers[4])
        .fetch_optional(db.pool())
        .await?;
        match same {
            Some(_) => Ok(()),
            None => Err(AppError::invalid("item1", crate::i18n::Msg::FormKeyReused)),
        }
    }

    /// SQL: the response `r` is shared, on its own or by a period not withdrawn.
    pub(crate) const SHARED_WHO5: &str = "(r.shared = 1 \
         OR EXISTS (SELECT 1 FROM wellbeing_share_periods p WHERE p.citizen_id = r.citizen_id \
           AND p.withdrawn_at IS NULL AND r.answered_on BETWEEN p.starts_on AND p.ends_on))";

    #[derive(sqlx::FromRow)]
    struct ResultRow {
        score: i64,
        created_at: i64,
    }

    /// The results the citizen shared (on their own or by a sharing period),
    /// newest first: what their caseworker may see.
    pub async fn shared(db: &Db, citizen: &impl Access) -> Result<Vec<Who5Result>, AppError> {
        let rows = sqlx::query_as::<_, ResultRow>(&format!(
            "SELECT r.score, r.created_at FROM who5_responses r WHERE r.citizen_id = $1 AND {SHARED_WHO5} \
                 ORDER BY r.created_at DESC LIMIT 12"
        ))
        .bind(citizen.citizen_id())
        .fetch_all(db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Who5Result {
                score: r.score,
                answered: format_ms(r.created_at),
            })
            .collect())
    }

    #[derive(sqlx::FromRow)]
    struct LatestRow {
        score: i64,
        answered_on: String,
        created_at: i64,
    }

    /// The latest result, and whether two weeks have passed since.
    pub async fn status(db: &Db, citizen: &CitizenAccess) -> Result<Who5Status, AppError> {
        let row = sqlx::query_as::<_, LatestRow>(
            "SELECT score, answered_on, created_at FROM who5_responses WHERE citizen_id = $1 \
             ORDER BY created_at DESC LIMIT 1",
        )
        .bind(citizen.citizen_id())
        .fetch_optional(db.pool())
        .await?;
        let Some(r) = row else {
            return Ok(Who5Status {
                latest: None,
                due: true,
                next: None,
            });
        };
        let next = crate::plan::rules::parse_date(&r.answered_on)
            .and_then(|d| d.checked_add(jiff::Span::new().days(EVERY_DAYS)).ok())
            .ok_or(AppError::Internal)?
            .to_string();
        Ok(Who5Status {
            latest: Some(Who5Result {
                score: r.score,
                answered: format_ms(r.created_at),
            }),
            due: next <= today(),
            next: Some(format_day(&next)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_score_is_the_sum_times_four_and_is_explained() {
        assert_eq!(score([5, 5, 5, 5, 5]), 100);
        assert_eq!(score([0, 0, 0, 0, 0]), 0);
        assert_eq!(score([3, 2, 3, 2, 3]), 52);
        assert_eq!(meaning(52), Msg::Who5MeaningGood);
        assert_eq!(meaning(50), Msg::Who5MeaningGood);
        assert_eq!(meaning(48), Msg::Who5MeaningLow);
        assert_eq!(meaning(28), Msg::Who5MeaningVeryLow);
    }
}
