//! What the citizen tells about their plan: progress on a goal, how an
//! activity went, and how meaningful it is. The caseworker reads all three.
//! Each form carries a once-only key, so sending it twice stores it once.
use super::progress_word;
use crate::error::AppError;
use crate::forms::Choices;
use crate::i18n::{t, texts, tf, Msg};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const NOTE_MAX: usize = 500;
pub const REFLECTION_MAX: usize = 2000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reflection {
    pub when: String,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedbackView {
    pub when: String,
    pub rating: i64,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Responses {
    pub reflections: Vec<Reflection>,
    pub feedback: Vec<FeedbackView>,
}

/// A reflection or a rating, with the activity it is about: the caseworker's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CitizenResponse {
    pub activity_id: String,
    pub activity_title: String,
    pub when: String,
    /// `None` for a reflection; the meaningfulness rating for feedback.
    pub rating: Option<i64>,
    pub text: Option<String>,
}

crate::form! {
    /// "How far have you come?" on one goal.
    pub struct GoalRatingForm {
        pub rating: Option<String>,
        pub note: String,
    }
}

crate::form! {
    /// How meaningful an activity, or the course, is; with a comment.
    pub struct FeedbackForm {
        pub rating: Option<String>,
        pub comment: String,
    }
}

crate::form! {
    /// The course feedback's comment has a name of its own: it shares its
    /// page with every goal's rating form.
    pub struct CourseFeedbackForm {
        pub rating: Option<String>,
        pub course_comment: String,
    }
}

crate::form! {
    /// A reflection on an activity.
    pub struct ReflectionForm {
        pub body: String,
    }
}

#[server(endpoint = "rate-goal")]
pub async fn rate_goal(
    goal_id: String,
    form_key: String,
    #[server(flatten)] form: GoalRatingForm,
) -> Result<(), AppError> {
    use crate::forms::{optional_text, IdempotencyKey, Rating};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    // Errors name the goal's own fields: the page has one form a goal.
    let field = format!("rating_{goal_id}");
    let note_field = format!("note_{goal_id}");
    let saved = async {
        let rating = Rating::parse(&field, form.rating.as_deref().unwrap_or_default())?;
        let note = optional_text(&note_field, &form.note, NOTE_MAX)?;
        let key = IdempotencyKey::parse(&form_key)?;
        let access = crate::auth::policy::own_data(&user)?;
        data::rate_goal(&state.db, &access, &goal_id, rating.get(), note.as_deref(), &key).await
    }
    .await;
    match saved {
        Ok(()) => {
            crate::forms::succeed("/plan", Msg::GoalRated, None);
            Ok(())
        }
        // The goal's form comes back open, with the choice and note as typed
        // (that goal's only: each goal has a form of its own).
        Err(e) => crate::forms::fail_keeping("/plan", e, &format!("rate-goal:{goal_id}"), &form).await,
    }
}

#[server(endpoint = "add-reflection")]
pub async fn add_reflection(
    activity_id: String,
    form_key: String,
    #[server(flatten)] form: ReflectionForm,
) -> Result<(), AppError> {
    use crate::forms::{required_text, IdempotencyKey};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let saved = async {
        let text = required_text("body", &form.body, REFLECTION_MAX, Msg::ReflectionMissing)?;
        let key = IdempotencyKey::parse(&form_key)?;
        let access = crate::auth::policy::own_data(&user)?;
        data::add_reflection(&state.db, &access, &activity_id, &text, &key).await
    }
    .await;
    back_to_activity(&activity_id, saved, Msg::ReflectionSaved, &form).await
}

#[server(endpoint = "give-feedback")]
pub async fn give_feedback(
    activity_id: String,
    form_key: String,
    #[server(flatten)] form: FeedbackForm,
) -> Result<(), AppError> {
    use crate::forms::{optional_text, IdempotencyKey, Rating};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let saved = async {
        let rating = Rating::parse("meaning", form.rating.as_deref().unwrap_or_default())?;
        let comment = optional_text("comment", &form.comment, NOTE_MAX)?;
        let key = IdempotencyKey::parse(&form_key)?;
        let access = crate::auth::policy::own_data(&user)?;
        data::give_feedback(
            &state.db,
            &access,
            &activity_id,
            rating.get(),
            comment.as_deref(),
            &key,
        )
        .await
    }
    .await;
    back_to_activity(&activity_id, saved, Msg::FeedbackSaved, &form).await
}

/// "How meaningful is your course for you?": feedback on the course as a whole.
#[server(endpoint = "give-course-feedback")]
pub async fn give_course_feedback(
    form_key: String,
    #[server(flatten)] form: CourseFeedbackForm,
) -> Result<(), AppError> {
    use crate::forms::{optional_text, IdempotencyKey, Rating};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let saved = async {
        let rating = Rating::parse("course_meaning", form.rating.as_deref().unwrap_or_default())?;
        let comment = optional_text("course_comment", &form.course_comment, NOTE_MAX)?;
        let key = IdempotencyKey::parse(&form_key)?;
        let access = crate::auth::policy::own_data(&user)?;
        data::give_course_feedback(&state.db, &access, rating.get(), comment.as_deref(), &key).await
    }
    .await;
    match saved {
        Ok(()) => {
            crate::forms::succeed("/plan", Msg::FeedbackSaved, Some("course-feedback-heading"));
            Ok(())
        }
        Err(e) => crate::forms::fail_keeping("/plan", e, COURSE_FEEDBACK, &form).await,
    }
}

/// The course feedback form's draft name.
const COURSE_FEEDBACK: &str = "course-feedback";

/// The course feedback form, on the plan page.
#[component]
pub fn GiveCourseFeedback(form_key: String) -> impl IntoView {
    view! {
        <crate::forms::DraftScope form=COURSE_FEEDBACK>
            <section class="card no-print" aria-labelledby="course-feedback-heading">
                <h2 id="course-feedback-heading">{t(Msg::FeedbackCourseTitle)}</h2>
                <form method="post" action="/api/give-course-feedback" novalidate class="stack">
                    <input type="hidden" name="form_key" value=form_key />
                    <Choices
                        id="course_meaning".to_string()
                        name="rating".to_string()
                        legend=t(Msg::FeedbackCourseTitle).to_string()
                        options=scale(meaning_word)
                        hint=Msg::FeedbackHint
                    />
                    <crate::forms::TextArea
                        name="course_comment"
                        label=Msg::FeedbackComment
                        maxlength=NOTE_MAX
                        rows=2
                    />
                    <button type="submit" class="button">
                        {t(Msg::FeedbackSave)}
                    </button>
                </form>
            </section>
        </crate::forms::DraftScope>
    }
}

/// Back to the activity: with a notice, or with the error and what was typed.
#[cfg(feature = "ssr")]
async fn back_to_activity(
    activity_id: &str,
    saved: Result<(), AppError>,
    notice: Msg,
    typed: &impl crate::forms::FormFields,
) -> Result<(), AppError> {
    let page = format!("/activities/{activity_id}");
    match saved {
        Ok(()) => {
            crate::forms::succeed(&page, notice, None);
            Ok(())
        }
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            crate::forms::fail_keeping(&page, e, &format!("activity-response:{activity_id}"), typed).await
        }
    }
}

/// A 1–5 scale with words.
fn scale(words: fn(i64) -> Msg) -> Vec<(i64, Msg)> {
    (1..=5).map(|n| (n, words(n))).collect()
}

/// "How far have you come?" for one goal.
#[component]
pub fn RateGoal(goal_id: String, title: String, form_key: String) -> impl IntoView {
    use crate::forms::{draft_of, query_error, Counter, DraftScope};
    let form_name = format!("rate-goal:{goal_id}");
    let note_id = format!("note_{goal_id}");
    let rating_id = format!("rating_{goal_id}");
    let legend = tf(texts::GoalRateLegend { goal: &title });
    // A refusal for this goal: the form stays open, with what was typed.
    let error = query_error().filter(|(_, f)| f.as_ref().is_some_and(|f| *f == note_id || *f == rating_id));
    let note_error = error
        .as_ref()
        .filter(|(_, f)| f.as_deref() == Some(note_id.as_str()))
        .map(|(m, _)| *m);
    let note = draft_of(&form_name).get("note");
    let open = error.is_some() || note.is_some();
    let note = note.unwrap_or_default();
    let count_id = format!("{note_id}-count");
    let error_id = format!("{note_id}-error");
    let described = match note_error {
        Some(_) => format!("{error_id} {count_id}"),
        None => count_id.clone(),
    };
    view! {
        <DraftScope form=form_name>
            <details class="rate-goal" open=open>
                <summary>{t(Msg::GoalRate)}</summary>
                <form method="post" action="/api/rate-goal" novalidate class="stack">
                    <input type="hidden" name="goal_id" value=goal_id.clone() />
                    <input type="hidden" name="form_key" value=form_key />
                    <Choices
                        id=rating_id
                        name="rating".to_string()
                        legend=legend
                        options=scale(progress_word)
                        hint=Msg::GoalRateHint
                    />
                    <div class="field">
                        <label for=note_id.clone()>{t(Msg::GoalRateNote)}</label>
                        {note_error
                            .map(|m| {
                                view! {
                                    <p class="field-error" id=error_id.clone()>
                                        {t(m)}
                                    </p>
                                }
                            })}
                        <crate::forms::PlainTextarea
                            id=note_id
                            name="note".to_string()
                            rows=2
                            described=Some(described)
                            invalid=note_error.is_some()
                            counter=count_id.clone()
                            text=note.clone()
                        />
                        <Counter id=count_id max=NOTE_MAX text=note />
                    </div>
                    <button type="submit" class="button">
                        {t(Msg::GoalRateSave)}
                    </button>
                </form>
            </details>
        </DraftScope>
    }
}

/// The words of the meaningfulness scale, 1 to 5.
pub fn meaning_word(rating: i64) -> Msg {
    match rating {
        1 => Msg::FeedbackMeaning1,
        2 => Msg::FeedbackMeaning2,
        3 => Msg::FeedbackMeaning3,
        4 => Msg::FeedbackMeaning4,
        _ => Msg::FeedbackMeaning5,
    }
}

#[component]
pub fn WriteReflection(activity_id: String, form_key: String) -> impl IntoView {
    view! {
        <form method="post" action="/api/add-reflection" novalidate class="stack">
            <input type="hidden" name="activity_id" value=activity_id />
            <input type="hidden" name="form_key" value=form_key />
            <crate::forms::TextArea
                name="body"
                label=Msg::ReflectionLabel
                hint=Msg::ReflectionHint
                required=true
                maxlength=REFLECTION_MAX
            />
            <button type="submit" class="button">
                {t(Msg::ReflectionSave)}
            </button>
        </form>
    }
}

#[component]
pub fn ReflectionList(reflections: Vec<Reflection>) -> impl IntoView {
    (!reflections.is_empty()).then(|| {
        view! {
            <ul class="list-rows">
                {reflections
                    .into_iter()
                    .map(|r| {
                        view! {
                            <li>
                                <strong>{r.when}</strong>
                                <br />
                                <span class="pre-wrap">{r.body}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

#[component]
pub fn GiveFeedback(activity_id: String, form_key: String) -> impl IntoView {
    view! {
        <form method="post" action="/api/give-feedback" novalidate class="stack">
            <input type="hidden" name="activity_id" value=activity_id />
            <input type="hidden" name="form_key" value=form_key />
            <Choices
                id="meaning".to_string()
                name="rating".to_string()
                legend=t(Msg::FeedbackLegend).to_string()
                options=scale(meaning_word)
                hint=Msg::FeedbackHint
            />
            <crate::forms::TextArea name="comment" label=Msg::FeedbackComment maxlength=NOTE_MAX rows=2 />
            <button type="submit" class="button">
                {t(Msg::FeedbackSave)}
            </button>
        </form>
    }
}

#[component]
pub fn FeedbackList(feedback: Vec<FeedbackView>) -> impl IntoView {
    (!feedback.is_empty()).then(|| {
        view! {
            <ul class="list-rows">
                {feedback
                    .into_iter()
                    .map(|f| {
                        view! {
                            <li>
                                <strong>{f.when}</strong>
                                ": "
                                {t(meaning_word(f.rating))}
                                " ("
                                {f.rating}
                                "/5)"
                                {f
                                    .comment
                                    .map(|c| {
                                        view! {
                                            <br />
                                            <span class="pre-wrap">{c}</span>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

/// The caseworker's list of everything the citizen said about their activities.
#[component]
pub fn CitizenResponses(responses: Vec<CitizenResponse>) -> impl IntoView {
    if responses.is_empty() {
        return view! { <p>{t(Msg::ResponsesNone)}</p> }.into_any();
    }
    view! {
        <ul class="list-rows">
            {responses
                .into_iter()
                .map(|r| {
                    let what = match r.rating {
                        Some(n) => format!("{}: {} ({n}/5)", t(Msg::FeedbackTitle), t(meaning_word(n))),
                        None => t(Msg::ReflectionTitle).to_string(),
                    };
                    view! {
                        <li>
                            <strong>{r.when}</strong>
                            " · "
                            <a href=format!("/activities/{}", r.activity_id)>{r.activity_title}</a>
                            <br />
                            {what}
                            {r
                                .text
                                .map(|c| {
                                    view! {
                                        <br />
                                        <span class="pre-wrap">{c}</span>
                                    }
                                })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[cfg(feature = "ssr")]
pub mod data {
    use super::{CitizenResponse, FeedbackView, Reflection, Responses};
    use crate::auth::policy::CitizenAccess;
    use crate::db::{new_id, Db};
    use crate::error::AppError;
    use crate::i18n::Msg;
    use crate::time::{format_ms, now_ms};

    /// The course of the citizen's own activity; anything else is not found.
    async fn own_activity_course(
        db: &Db,
        citizen: &CitizenAccess,
        activity_id: &str,
    ) -> Result<String, AppError> {
        sqlx::query_scalar::<_, String>(
            "SELECT a.course_id FROM activities a JOIN courses c ON c.id = a.course_id \
             WHERE a.id = $1 AND c.citizen_id = $2",
        )
        .bind(activity_id)
        .bind(citizen.citizen_id())
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)
    }

    pub async fn rate_goal(
        db: &Db,
        citizen: &CitizenAccess,
        goal_id: &str,
        rating: i64,
        note: Option<&str>,
        key: &str,
    ) -> Result<(), AppError> {
        let own = sqlx::query(
            "SELECT 1 FROM goals g JOIN courses c ON c.id = g.course_id WHERE g.id = $1 AND c.citizen_id = $2",
        )
        .bind(goal_id)
        .bind(citizen.citizen_id())
        .fetch_optional(db.pool())
        .await?;
        if own.is_none() {
            return Err(AppError::NotFound);
        }
        let done = sqlx::query(
            "INSERT INTO goal_ratings (id, goal_id, rating, note, rated_at, idempotency_key) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(new_id())
        .bind(goal_id)
        .bind(rating)
        .bind(note)
        .bind(now_ms())
        .bind(key)
        .execute(db.pool())
        .await?;
        if done.rows_affected() == 0 {
            let same = sqlx::query(
                "SELECT 1 FROM goal_ratings WHERE idempotency_key = $1 AND goal_id = $2 AND rating = $3 \
                 AND note IS NOT DISTINCT FROM $4",
            )
            .bind(key)
            .bind(goal_id)
            .bind(rating)
            .bind(note)
            .fetch_optional(db.pool())
            .await?;
            ensure_repeat(same.is_some(), &format!("note_{goal_id}"))?;
        }
        Ok(())
    }

    pub async fn add_reflection(
        db: &Db,
        citizen: &CitizenAccess,
        activity_id: &str,
        body: &str,
        key: &str,
    ) -> Result<(), AppError> {
        own_activity_course(db, citizen, activity_id).await?;
        let done = sqlx::query(
            "INSERT INTO activity_reflections (id, activity_id, citizen_id, body, idempotency_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(new_id())
        .bind(activity_id)
        .bind(citizen.citizen_id())
        .bind(body)
        .bind(key)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
        if done.rows_affected() == 0 {
            let same = sqlx::query(
                "SELECT 1 FROM activity_reflections WHERE idempotency_key = $1 AND activity_id = $2 AND body = $3",
            )
            .bind(key)
            .bind(activity_id)
            .bind(body)
            .fetch_optional(db.pool())
            .await?;
            ensure_repeat(same.is_some(), "body")?;
        }
        Ok(())
    }

    pub async fn give_feedback(
        db: &Db,
        citizen: &CitizenAccess,
        activity_id: &str,
        rating: i64,
        comment: Option<&str>,
        key: &str,
    ) -> Result<(), AppError> {
        let course_id = own_activity_course(db, citizen, activity_id).await?;
        store_feedback(
            db,
            citizen,
            &course_id,
            Some(activity_id),
            rating,
            comment,
            key,
            "comment",
        )
        .await
    }

    /// Feedback on the citizen's active course as a whole.
    pub async fn give_course_feedback(
        db: &Db,
        citizen: &CitizenAccess,
        rating: i64,
        comment: Option<&str>,
        key: &str,
    ) -> Result<(), AppError> {
        let course = crate::plan::data::active_course(db, citizen)
            .await?
            .ok_or(AppError::NotFound)?;
        store_feedback(
            db,
            citizen,
            &course.id,
            None,
            rating,
            comment,
            key,
            "course_comment",
        )
        .await
    }

    /// One piece of feedback; a repeated send with the same key stores nothing more.
    #[allow(clippy::too_many_arguments)]
    async fn store_feedback(
        db: &Db,
        citizen: &CitizenAccess,
        course_id: &str,
        activity_id: Option<&str>,
        rating: i64,
        comment: Option<&str>,
        key: &str,
        field: &str,
    ) -> Result<(), AppError> {
        let done = sqlx::query(
            "INSERT INTO feedback (id, citizen_id, course_id, activity_id, rating, comment, idempotency_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(new_id())
        .bind(citizen.citizen_id())
        .bind(course_id)
        .bind(activity_id)
        .bind(rating)
        .bind(comment)
        .bind(key)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
        if done.rows_affected() == 0 {
            let same = sqlx::query(
                "SELECT 1 FROM feedback WHERE idempotency_key = $1 AND course_id = $2 \
                 AND activity_id IS NOT DISTINCT FROM $3 AND rating = $4 AND comment IS NOT DISTINCT FROM $5",
            )
            .bind(key)
            .bind(course_id)
            .bind(activity_id)
            .bind(rating)
            .bind(comment)
            .fetch_optional(db.pool())
            .await?;
            ensure_repeat(same.is_some(), field)?;
        }
        Ok(())
    }

    /// A form key already used: the same answer again is a repeat and fine;
    /// a different one would be stored nowhere, so it is refused (and kept).
    fn ensure_repeat(same: bool, field: &str) -> Result<(), AppError> {
        if same {
            Ok(())
        } else {
            Err(AppError::invalid(field, Msg::FormKeyReused))
        }
    }

    #[derive(sqlx::FromRow)]
    struct ReflectionRow {
        created_at: i64,
        body: String,
    }

    #[derive(sqlx::FromRow)]
    struct FeedbackRow {
        created_at: i64,
        rating: i64,
        comment: Option<String>,
    }

    /// An activity's reflections and feedback, newest first, within the
    /// citizen's own (the access comes from `policy::activity`).
    pub async fn for_activity(
        db: &Db,
        access: &CitizenAccess,
        activity_id: &str,
    ) -> Result<Responses, AppError> {
        let reflections = sqlx::query_as::<_, ReflectionRow>(
            "SELECT created_at, body FROM activity_reflections WHERE activity_id = $1 AND citizen_id = $2 ORDER BY created_at DESC",
        )
        .bind(activity_id)
        .bind(access.citizen_id())
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|r| Reflection {
            when: format_ms(r.created_at),
            body: r.body,
        })
        .collect();
        let feedback = sqlx::query_as::<_, FeedbackRow>(
            "SELECT created_at, rating, comment FROM feedback WHERE activity_id = $1 AND citizen_id = $2 ORDER BY created_at DESC",
        )
        .bind(activity_id)
        .bind(access.citizen_id())
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|r| FeedbackView {
            when: format_ms(r.created_at),
            rating: r.rating,
            comment: r.comment,
        })
        .collect();
        Ok(Responses {
            reflections,
            feedback,
        })
    }

    #[derive(sqlx::FromRow)]
    struct CitizenResponseRow {
        activity_id: String,
        title: String,
        created_at: i64,
        rating: Option<i64>,
        body: Option<String>,
    }

    /// The latest reflections and feedback on a citizen's activities, newest first.
    pub async fn for_citizen(db: &Db, access: &CitizenAccess) -> Result<Vec<CitizenResponse>, AppError> {
        let rows = sqlx::query_as::<_, CitizenResponseRow>(
            "SELECT x.activity_id, a.title, x.created_at, x.rating, x.body FROM ( \
               SELECT activity_id, created_at, NULL AS rating, body FROM activity_reflections WHERE citizen_id = $1 \
               UNION ALL \
               SELECT activity_id, created_at, rating, comment AS body FROM feedback \
               WHERE citizen_id = $1 AND activity_id IS NOT NULL \
             ) x JOIN activities a ON a.id = x.activity_id ORDER BY x.created_at DESC LIMIT 50",
        )
        .bind(access.citizen_id())
        .fetch_all(db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| CitizenResponse {
                activity_id: r.activity_id,
                activity_title: r.title,
                when: format_ms(r.created_at),
                rating: r.rating,
                text: r.body,
            })
            .collect())
    }
}
