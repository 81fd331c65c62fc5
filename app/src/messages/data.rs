//! Threads and messages in the database. Messages are case documents: never
//! edited or deleted (triggers enforce it). Only the citizen and their
//! caseworker see a thread; a caseworker's read is audited.
use super::{FeedbackRow, InboxFilter, InboxRow, MessageView, ThreadRow, ThreadView, BODY_MAX, SUBJECT_MAX};
use crate::audit::AuditAction;
use crate::auth::policy::{self, CitizenAccess};
use crate::db::{new_id, Db, Flag};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::model::{CurrentUser, Role};
use crate::time::{format_ms, now_ms};

/// Trimmed text that must be there and may be `max` characters as people
/// count them (a line break is one, as in the counter beside the field).
fn bounded(field: &str, raw: &str, max: usize, missing: Msg, too_long: Msg) -> Result<String, AppError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(AppError::invalid(field, missing));
    }
    if crate::forms::count_chars(text) > max {
        return Err(AppError::invalid(field, too_long));
    }
    Ok(text.to_string())
}

/// A message body as typed: trimmed, not empty, not too long. Reads as
/// the text it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageBody(String);

impl MessageBody {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        bounded(
            "body",
            raw,
            BODY_MAX,
            Msg::MessagesBodyMissing,
            Msg::MessagesBodyTooLong,
        )
        .map(Self)
    }
}

impl std::ops::Deref for MessageBody {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// A thread's subject: trimmed, not empty, not too long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject(String);

impl Subject {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        bounded(
            "subject",
            raw,
            SUBJECT_MAX,
            Msg::MessagesSubjectMissing,
            Msg::MessagesSubjectTooLong,
        )
        .map(Self)
    }
}

impl std::ops::Deref for Subject {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// Starts a thread with one message. The citizen writes to their caseworker;
/// a caseworker to a citizen on their caseload. The key makes a repeated send
/// return the first thread.
pub async fn start_thread(
    db: &Db,
    access: &CitizenAccess,
    subject: &str,
    activity_id: Option<&str>,
    body: &str,
    key: &str,
) -> Result<String, AppError> {
    let (sender, citizen_id) = (access.viewer(), access.citizen_id());
    if let Some(done) = thread_of_message(db, access, key).await? {
        ensure_same_message(db, key, body, Some(subject)).await?;
        return Ok(done);
    }
    if let Some(activity) = activity_id {
        let own = sqlx::query(
            "SELECT 1 FROM activities a JOIN courses c ON c.id = a.course_id WHERE a.id = $1 AND c.citizen_id = $2",
        )
        .bind(activity)
        .bind(citizen_id)
        .fetch_optional(db.pool())
        .await?;
        if own.is_none() {
            return Err(AppError::invalid("activity_id", Msg::MessagesActivityUnknown));
        }
    }
    let (thread, now) = (new_id(), now_ms());
    let waiting = i64::from(false);
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO message_threads (id, citizen_id, subject, activity_id, waiting_for_citizen, created_by, \
           created_at, last_message_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&thread)
    .bind(citizen_id)
    .bind(subject)
    .bind(activity_id)
    .bind(waiting)
    .bind(&sender.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let inserted = insert_message(&mut tx, &thread, &sender.id, body, key, now).await?;
    if inserted {
        crate::notifications::data::enqueue_message(&mut tx, access, key).await?;
        tx.commit().await?;
        super::live::announce(db, &thread).await;
        Ok(thread)
    } else {
        // The same send won a race: keep its thread, drop this one.
        tx.rollback().await?;
        ensure_same_message(db, key, body, Some(subject)).await?;
        thread_of_message(db, access, key)
            .await?
            .ok_or(AppError::Internal)
    }
}

async fn insert_message(
    tx: &mut crate::db::Tx,
    thread: &str,
    sender: &str,
    body: &str,
    key: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "INSERT INTO messages (id, thread_id, sender_id, body, idempotency_key, sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(new_id())
    .bind(thread)
    .bind(sender)
    .bind(body)
    .bind(key)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The thread a message sent with `key` went to, within the citizen's threads.
async fn thread_of_message(db: &Db, access: &CitizenAccess, key: &str) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT m.thread_id FROM messages m JOIN message_threads t ON t.id = m.thread_id \
         WHERE m.idempotency_key = $1 AND t.citizen_id = $2",
    )
    .bind(key)
    .bind(access.citizen_id())
    .fetch_optional(db.pool())
    .await?)
}

/// The thread, if it is the access's citizen's; else "not found".
async fn ensure_thread_of(db: &Db, access: &CitizenAccess, thread_id: &str) -> Result<(), AppError> {
    sqlx::query("SELECT 1 FROM message_threads WHERE id = $1 AND citizen_id = $2")
        .bind(thread_id)
        .bind(access.citizen_id())
        .fetch_optional(db.pool())
        .await?
        .map(|_| ())
        .ok_or(AppError::NotFound)
}

/// Adds a message to a thread (the access comes from `policy::thread`). A
/// caseworker may ask for an answer; the citizen's reply answers it. A
/// repeated send stores nothing more.
pub async fn reply(
    db: &Db,
    access: &CitizenAccess,
    thread_id: &str,
    body: &str,
    key: &str,
    ask_for_reply: bool,
) -> Result<(), AppError> {
    ensure_thread_of(db, access, thread_id).await?;
    let sender = access.viewer();
    let now = now_ms();
    let waiting = sender.role == Role::Caseworker && ask_for_reply;
    let mut tx = db.begin().await?;
    if insert_message(&mut tx, thread_id, &sender.id, body, key, now).await? {
        sqlx::query(
            "UPDATE message_threads SET last_message_at = $1, waiting_for_citizen = $2 WHERE id = $3",
        )
        .bind(now)
        .bind(i64::from(waiting))
        .bind(thread_id)
        .execute(&mut *tx)
        .await?;
        crate::notifications::data::enqueue_message(&mut tx, access, key).await?;
        tx.commit().await?;
        super::live::announce(db, thread_id).await;
    } else {
        tx.rollback().await?;
        // The key belongs to a message in this very thread, or it is no repeat.
        if thread_of_message(db, access, key).await?.as_deref() != Some(thread_id) {
            return Err(AppError::invalid("form", Msg::RulesFormExpired));
        }
        ensure_same_message(db, key, body, None).await?;
    }
    Ok(())
}

/// A form key already used: the same text again is a repeat and fine; a
/// different text would be stored nowhere, so it is refused (and kept).
async fn ensure_same_message(db: &Db, key: &str, body: &str, subject: Option<&str>) -> Result<(), AppError> {
    let same = sqlx::query(
        "SELECT 1 FROM messages m JOIN message_threads t ON t.id = m.thread_id \
         WHERE m.idempotency_key = $1 AND m.body = $2 AND ($3 IS NULL OR t.subject = $3)",
    )
    .bind(key)
    .bind(body)
    .bind(subject)
    .fetch_optional(db.pool())
    .await?;
    match same {
        Some(_) => Ok(()),
        None => Err(AppError::invalid("body", Msg::FormKeyReused)),
    }
}

/// One thread with its newest messages, oldest first (the access comes from
/// `policy::thread`, which audited a caseworker's read). Opening it marks the
/// other side's messages read; only staff see when their own were read.
pub async fn thread(db: &Db, access: &CitizenAccess, thread_id: &str) -> Result<ThreadView, AppError> {
    thread_page(db, access, thread_id, None).await
}

/// How many messages a thread shows at once: a long thread costs the same
/// to open as a short one, and "Vis tidligere beskeder" goes back further.
pub const THREAD_PAGE: usize = 50;

/// A page of a thread: the newest messages, or with `before` (a message's
/// id) those just before it.
pub async fn thread_page(
    db: &Db,
    access: &CitizenAccess,
    thread_id: &str,
    before: Option<&str>,
) -> Result<ThreadView, AppError> {
    ensure_thread_of(db, access, thread_id).await?;
    let viewer = access.viewer();
    // The messages are read anyway: they tell whether anything is unread, so
    // opening a thread that holds nothing new writes nothing (a write is a
    // commit, an fsync). Read marks of the other side are never shown, so
    // marking after reading changes nothing on the page.
    let page = messages(db, access, thread_id, before).await?;
    // Unread messages are the newest, so the page almost always shows them;
    // only when older pages exist is the index asked about the rest.
    let unread = page.unread
        || (page.earlier.is_some()
            && sqlx::query(
                "SELECT 1 FROM messages WHERE thread_id = $1 AND sender_id <> $2 AND read_at IS NULL LIMIT 1",
            )
            .bind(thread_id)
            .bind(&viewer.id)
            .fetch_optional(db.pool())
            .await?
            .is_some());
    if unread {
        sqlx::query(
            "UPDATE messages SET read_at = $1 WHERE thread_id = $2 AND sender_id <> $3 AND read_at IS NULL",
        )
        .bind(now_ms())
        .bind(thread_id)
        .bind(&viewer.id)
        .execute(db.pool())
        .await?;
    }
    let head = sqlx::query_as::<_, ThreadHead>(
        "SELECT t.subject, t.waiting_for_citizen, t.activity_id, a.title AS activity_title, u.display_name \
         FROM message_threads t JOIN users u ON u.id = t.citizen_id \
         LEFT JOIN activities a ON a.id = t.activity_id WHERE t.id = $1",
    )
    .bind(thread_id)
    .fetch_one(db.pool())
    .await?;
    let activity = match (head.activity_id, head.activity_title) {
        (Some(id), Some(title)) => Some((id, title)),
        _ => None,
    };
    Ok(ThreadView {
        id: thread_id.to_string(),
        subject: head.subject,
        waiting_for_citizen: head.waiting_for_citizen.0,
        activity,
        citizen_id: access.citizen_id().to_string(),
        citizen_name: head.display_name,
        messages: page.messages,
        earlier: page.earlier,
        older_page: before.is_some(),
        staff_view: viewer.role.is_staff(),
        form_key: String::new(),
        draft: None,
    })
}

#[derive(sqlx::FromRow)]
struct ThreadHead {
    subject: String,
    #[sqlx(try_from = "i64")]
    waiting_for_citizen: Flag,
    activity_id: Option<String>,
    activity_title: Option<String>,
    display_name: String,
}

/// One page of a thread's messages.
struct MessagePage {
    messages: Vec<MessageView>,
    /// The other side wrote something this viewer has not read.
    unread: bool,
    /// The oldest message shown, when there are older ones.
    earlier: Option<String>,
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: String,
    sender_id: String,
    display_name: String,
    body: String,
    sent_at: i64,
    read_at: Option<i64>,
}

async fn messages(
    db: &Db,
    access: &CitizenAccess,
    thread_id: &str,
    before: Option<&str>,
) -> Result<MessagePage, AppError> {
    let viewer = access.viewer();
    let staff = viewer.role.is_staff();
    // Newest first from the (thread_id, sent_at) index, one more than a page
    // to learn whether older ones exist. `before` is a message of this thread;
    // one that is not gives the newest page.
    let cursor = match before {
        Some(id) => {
            sqlx::query_scalar::<_, i64>("SELECT sent_at FROM messages WHERE id = $1 AND thread_id = $2")
                .bind(id)
                .bind(thread_id)
                .fetch_optional(db.pool())
                .await?
                .map(|at| (id, at))
        }
        None => None,
    };
    let select = "SELECT m.id, m.sender_id, u.display_name, m.body, m.sent_at, m.read_at FROM messages m \
         JOIN users u ON u.id = m.sender_id WHERE m.thread_id = $1";
    let limit = THREAD_PAGE as i64 + 1;
    let rows = match cursor {
        Some((id, at)) => {
            sqlx::query_as::<_, MessageRow>(&format!(
                "{select} AND m.sent_at <= $2 AND (m.sent_at < $2 OR m.id < $3) \
                 ORDER BY m.sent_at DESC, m.id DESC LIMIT $4"
            ))
            .bind(thread_id)
            .bind(at)
            .bind(id)
            .bind(limit)
            .fetch_all(db.pool())
            .await?
        }
        None => {
            sqlx::query_as::<_, MessageRow>(&format!("{select} ORDER BY m.sent_at DESC, m.id DESC LIMIT $2"))
                .bind(thread_id)
                .bind(limit)
                .fetch_all(db.pool())
                .await?
        }
    };
    let more = rows.len() > THREAD_PAGE;
    let mut unread = false;
    let mut messages = rows
        .into_iter()
        .take(THREAD_PAGE)
        .map(|r| {
            let mine = r.sender_id == viewer.id;
            unread |= !mine && r.read_at.is_none();
            MessageView {
                id: r.id,
                mine,
                sender_name: r.display_name,
                body: r.body,
                sent: format_ms(r.sent_at),
                // Read receipts are for staff only.
                read: if staff && mine {
                    r.read_at.map(format_ms)
                } else {
                    None
                },
            }
        })
        .collect::<Vec<_>>();
    messages.reverse();
    let earlier = more.then(|| messages.first().map(|m| m.id.clone())).flatten();
    Ok(MessagePage {
        messages,
        unread,
        earlier,
    })
}

#[derive(sqlx::FromRow)]
struct CitizenThreadRow {
    id: String,
    subject: String,
    last_message_at: i64,
    #[sqlx(try_from = "i64")]
    waiting_for_citizen: Flag,
    title: Option<String>,
    unread: i64,
}

/// The citizen's threads, newest first, with unread counts.
pub async fn citizen_threads(db: &Db, citizen: &CitizenAccess) -> Result<Vec<ThreadRow>, AppError> {
    Ok(sqlx::query_as::<_, CitizenThreadRow>(
        "SELECT t.id, t.subject, t.last_message_at, t.waiting_for_citizen, a.title, \
           (SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id AND m.sender_id <> $1 AND m.read_at IS NULL) \
           AS unread \
         FROM message_threads t LEFT JOIN activities a ON a.id = t.activity_id \
         WHERE t.citizen_id = $1 ORDER BY t.last_message_at DESC",
    )
    .bind(citizen.citizen_id())
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| ThreadRow {
        id: r.id,
        subject: r.subject,
        last_message: format_ms(r.last_message_at),
        waiting_for_you: r.waiting_for_citizen.0,
        activity: r.title,
        unread: r.unread,
    })
    .collect())
}

#[derive(sqlx::FromRow)]
struct InboxThreadRow {
    id: String,
    subject: String,
    citizen_id: String,
    display_name: String,
    last_message_at: i64,
    #[sqlx(try_from = "i64")]
    waiting_for_citizen: Flag,
    activity_title: Option<String>,
    last_sender: Option<String>,
    unread: i64,
}

/// Every thread across the caseworker's caseload: those waiting for our
/// reply first, longest waiting first; then the rest, newest first.
pub async fn inbox(
    db: &Db,
    caseworker: &CurrentUser,
    filter: InboxFilter,
) -> Result<Vec<InboxRow>, AppError> {
    let list = policy::list(caseworker, Role::Caseworker)?;
    let rows = sqlx::query_as::<_, InboxThreadRow>(
        "SELECT t.id, t.subject, t.citizen_id, u.display_name, t.last_message_at, t.waiting_for_citizen, \
           (SELECT a.title FROM activities a WHERE a.id = t.activity_id) AS activity_title, \
           (SELECT m.sender_id FROM messages m WHERE m.thread_id = t.id ORDER BY m.sent_at DESC, m.id DESC LIMIT 1) \
             AS last_sender, \
           (SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id AND m.sender_id = t.citizen_id AND m.read_at IS NULL) \
             AS unread \
         FROM message_threads t JOIN users u ON u.id = t.citizen_id \
         JOIN caseload_assignments ca ON ca.citizen_id = t.citizen_id AND ca.caseworker_id = $1 AND ca.ended_at IS NULL",
    )
    .bind(&caseworker.id)
    .fetch_all(db.pool())
    .await?;
    let now = now_ms();
    // One audit row per citizen shown, however many of their threads.
    let mut shown = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let last_at = r.last_message_at;
        let row = InboxRow {
            waiting_for_us: r.last_sender.as_deref() == Some(r.citizen_id.as_str()),
            id: r.id,
            subject: r.subject,
            citizen_name: r.display_name,
            last_message: format_ms(last_at),
            waiting_for_citizen: r.waiting_for_citizen.0,
            activity: r.activity_title,
            unread: r.unread,
            waited_hours: (now - last_at).max(0) / 3_600_000,
            last_at,
        };
        if filter.keeps(&row) {
            shown.push(r.citizen_id);
            out.push(row);
        }
    }
    list.shown(db, shown, AuditAction::Inbox, "case_work").await?;
    out.sort_by(|a, b| {
        b.waiting_for_us
            .cmp(&a.waiting_for_us)
            .then_with(|| match a.waiting_for_us {
                true => a.last_at.cmp(&b.last_at),
                false => b.last_at.cmp(&a.last_at),
            })
    });
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct FeedbackDbRow {
    citizen_id: String,
    display_name: String,
    title: Option<String>,
    rating: i64,
    comment: Option<String>,
    created_at: i64,
}

/// Feedback citizens on the caseload gave on activities and the course, newest first.
pub async fn feedback(db: &Db, caseworker: &CurrentUser) -> Result<Vec<FeedbackRow>, AppError> {
    let list = policy::list(caseworker, Role::Caseworker)?;
    let rows = sqlx::query_as::<_, FeedbackDbRow>(
        "SELECT f.citizen_id, u.display_name, a.title, f.rating, f.comment, f.created_at FROM feedback f \
         JOIN users u ON u.id = f.citizen_id \
         JOIN caseload_assignments ca ON ca.citizen_id = f.citizen_id AND ca.caseworker_id = $1 AND ca.ended_at IS NULL \
         LEFT JOIN activities a ON a.id = f.activity_id ORDER BY f.created_at DESC LIMIT 100",
    )
    .bind(&caseworker.id)
    .fetch_all(db.pool())
    .await?;
    let out: Vec<FeedbackRow> = rows
        .into_iter()
        .map(|r| FeedbackRow {
            citizen_id: r.citizen_id,
            citizen_name: r.display_name,
            activity: r.title,
            rating: r.rating,
            comment: r.comment,
            when: format_ms(r.created_at),
        })
        .collect();
    let shown = out.iter().map(|f| f.citizen_id.clone()).collect();
    list.shown(db, shown, AuditAction::Inbox, "case_work").await?;
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct NameRow {
    id: String,
    display_name: String,
}

/// Citizens the caseworker may write to: `(id, name)`.
pub async fn caseload_names(db: &Db, caseworker: &CurrentUser) -> Result<Vec<(String, String)>, AppError> {
    policy::ensure_role(caseworker, Role::Caseworker)?;
    Ok(sqlx::query_as::<_, NameRow>(
        "SELECT u.id, u.display_name FROM caseload_assignments ca JOIN users u ON u.id = ca.citizen_id \
         WHERE ca.caseworker_id = $1 AND ca.ended_at IS NULL ORDER BY u.display_name",
    )
    .bind(&caseworker.id)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| (r.id, r.display_name))
    .collect())
}

/// Who is on the other side, for the "new message" form: the citizen's caseworker.
pub async fn caseworker_of(db: &Db, citizen: &CitizenAccess) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT u.display_name FROM caseload_assignments ca JOIN users u ON u.id = ca.caseworker_id \
         WHERE ca.citizen_id = $1 AND ca.ended_at IS NULL ORDER BY ca.assigned_at DESC LIMIT 1",
    )
    .bind(citizen.citizen_id())
    .fetch_optional(db.pool())
    .await?)
}

#[derive(sqlx::FromRow)]
struct ActivityTitleRow {
    id: String,
    title: String,
}

/// The citizen's activities that a new thread may be about: `(id, title)`.
pub async fn activities(db: &Db, citizen: &CitizenAccess) -> Result<Vec<(String, String)>, AppError> {
    Ok(sqlx::query_as::<_, ActivityTitleRow>(
        "SELECT a.id, a.title FROM activities a JOIN courses c ON c.id = a.course_id \
         WHERE c.citizen_id = $1 AND c.status = 'active' ORDER BY a.starts_at DESC",
    )
    .bind(citizen.citizen_id())
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| (r.id, r.title))
    .collect())
}
