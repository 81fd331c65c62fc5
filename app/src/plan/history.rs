//! Every change to a plan item is kept: who, when, and what changed. The
//! caseworker reads it field by field; the citizen reads it in plain words.
use crate::i18n::{t, texts, tf, Msg};
use crate::model::{ActivityKind, ActivityStatus, CourseKind};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The kinds of plan item that have a history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Entity {
    Course,
    Goal,
    Activity,
    PaidHours,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Course => "course",
            Entity::Goal => "goal",
            Entity::Activity => "activity",
            Entity::PaidHours => "paid_hours",
        }
    }
}

/// A field of a plan item that a change can touch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanField {
    CourseKind,
    Start,
    PlannedEnd,
    MainGoal,
    Title,
    Description,
    ActivityKind,
    Status,
    Purpose,
    Place,
    Contact,
    ContactPhone,
    Preparation,
    StartsAt,
    EndsAt,
    HoursPerWeek,
    Week,
    PaidHours,
}

impl PlanField {
    pub const ALL: [PlanField; 18] = [
        PlanField::CourseKind,
        PlanField::Start,
        PlanField::PlannedEnd,
        PlanField::MainGoal,
        PlanField::Title,
        PlanField::Description,
        PlanField::ActivityKind,
        PlanField::Status,
        PlanField::Purpose,
        PlanField::Place,
        PlanField::Contact,
        PlanField::ContactPhone,
        PlanField::Preparation,
        PlanField::StartsAt,
        PlanField::EndsAt,
        PlanField::HoursPerWeek,
        PlanField::Week,
        PlanField::PaidHours,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PlanField::CourseKind => "course_kind",
            PlanField::Start => "start",
            PlanField::PlannedEnd => "planned_end",
            PlanField::MainGoal => "main_goal",
            PlanField::Title => "title",
            PlanField::Description => "description",
            PlanField::ActivityKind => "activity_kind",
            PlanField::Status => "status",
            PlanField::Purpose => "purpose",
            PlanField::Place => "place",
            PlanField::Contact => "contact",
            PlanField::ContactPhone => "contact_phone",
            PlanField::Preparation => "preparation",
            PlanField::StartsAt => "starts_at",
            PlanField::EndsAt => "ends_at",
            PlanField::HoursPerWeek => "hours_per_week",
            PlanField::Week => "week",
            PlanField::PaidHours => "paid_hours",
        }
    }

    pub fn parse(s: &str) -> Option<PlanField> {
        PlanField::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The field's name, lower-case, as it reads inside a sentence.
    pub fn label(self) -> Msg {
        match self {
            PlanField::CourseKind => Msg::FieldCourseKind,
            PlanField::Start => Msg::FieldStart,
            PlanField::PlannedEnd => Msg::FieldPlannedEnd,
            PlanField::MainGoal => Msg::FieldMainGoal,
            PlanField::Title => Msg::FieldTitle,
            PlanField::Description => Msg::FieldDescription,
            PlanField::ActivityKind => Msg::FieldActivityKind,
            PlanField::Status => Msg::FieldStatus,
            PlanField::Purpose => Msg::FieldPurpose,
            PlanField::Place => Msg::FieldPlace,
            PlanField::Contact => Msg::FieldContact,
            PlanField::ContactPhone => Msg::FieldContactPhone,
            PlanField::Preparation => Msg::FieldPreparation,
            PlanField::StartsAt => Msg::FieldStartsAt,
            PlanField::EndsAt => Msg::FieldEndsAt,
            PlanField::HoursPerWeek => Msg::FieldHoursPerWeek,
            PlanField::Week => Msg::FieldWeek,
            PlanField::PaidHours => Msg::FieldPaidHours,
        }
    }

    /// A stored value as people read it: codes become their translated names.
    pub fn show(self, value: Option<&str>) -> String {
        let Some(v) = value.filter(|v| !v.is_empty()) else {
            return t(Msg::HistoryEmpty).to_string();
        };
        let label = match self {
            PlanField::CourseKind => CourseKind::parse(v).map(CourseKind::label),
            PlanField::ActivityKind => ActivityKind::parse(v).map(ActivityKind::label),
            PlanField::Status => ActivityStatus::parse(v).map(ActivityStatus::label),
            _ => None,
        };
        label.map(|m| t(m).to_string()).unwrap_or_else(|| v.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: PlanField,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One change to one item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// What was changed (an activity's or goal's name), when listed for a whole plan.
    pub item: Option<String>,
    pub who: String,
    pub when: String,
    pub created: bool,
    pub fields: Vec<FieldChange>,
}

impl Change {
    /// "Mette Jensen ændrede tidspunkt og sted den 23.11.2026 kl. 10.00".
    pub fn in_words(&self) -> String {
        if self.created {
            return tf(texts::HistoryCreatedBy {
                who: &self.who,
                when: &self.when,
            });
        }
        let names: Vec<&str> = self.fields.iter().map(|f| t(f.field.label())).collect();
        let what = match names.split_last() {
            None => String::new(),
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} {} {last}", rest.join(", "), t(Msg::HistoryAnd)),
        };
        tf(texts::HistoryChangedBy {
            who: &self.who,
            what: &what,
            when: &self.when,
        })
    }
}

/// The values that differ between `before` and `after`, in `after`'s order.
pub fn differences(
    before: &[(PlanField, Option<String>)],
    after: &[(PlanField, Option<String>)],
) -> Vec<FieldChange> {
    after
        .iter()
        .filter_map(|(field, new)| {
            let old = before
                .iter()
                .find(|(f, _)| f == field)
                .and_then(|(_, v)| v.clone());
            (old != *new).then(|| FieldChange {
                field: *field,
                old,
                new: new.clone(),
            })
        })
        .collect()
}

/// The history of one item. The citizen gets sentences; the caseworker also
/// gets each field's value before and after.
#[component]
pub fn ChangeLog(changes: Vec<Change>, #[prop(optional)] detailed: bool) -> impl IntoView {
    if changes.is_empty() {
        return view! { <p>{t(Msg::HistoryNone)}</p> }.into_any();
    }
    view! {
        <ul class="list-rows history">
            {changes
                .into_iter()
                .map(|c| {
                    let words = c.in_words();
                    let details = (detailed && !c.fields.is_empty())
                        .then(|| {
                            view! {
                                <ul class="changes">
                                    {c
                                        .fields
                                        .into_iter()
                                        .map(|f| {
                                            let from = f.field.show(f.old.as_deref());
                                            let to = f.field.show(f.new.as_deref());
                                            let line = if c.created {
                                                format!("{}: {to}", t(f.field.label()))
                                            } else {
                                                tf(texts::HistoryFromTo {
                                                    field: t(f.field.label()),
                                                    from: &from,
                                                    to: &to,
                                                })
                                            };
                                            view! { <li>{line}</li> }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                        });
                    let item = c
                        .item
                        .map(|i| {
                            view! {
                                <strong>{i}</strong>
                                ": "
                            }
                        });
                    view! { <li>{item}{words}{details}</li> }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[cfg(feature = "ssr")]
pub mod store {
    //! Writing and reading the history tables.
    use super::{Change, Entity, FieldChange, PlanField};
    use crate::db::{new_id, Db};
    use crate::error::AppError;
    use crate::time::{format_ms, now_ms};

    /// Records a change inside the transaction that makes it. Nothing is
    /// recorded for an edit that changed nothing.
    pub async fn record(
        tx: &mut crate::db::Tx,
        course_id: &str,
        entity: Entity,
        entity_id: &str,
        changed_by: &str,
        created: bool,
        fields: &[FieldChange],
    ) -> Result<(), AppError> {
        if !created && fields.is_empty() {
            return Ok(());
        }
        let change_id = new_id();
        sqlx::query(
            "INSERT INTO change_history (id, course_id, entity, entity_id, changed_by, changed_at, summary) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&change_id)
        .bind(course_id)
        .bind(entity.as_str())
        .bind(entity_id)
        .bind(changed_by)
        .bind(now_ms())
        .bind(if created { "created" } else { "updated" })
        .execute(&mut **tx)
        .await?;
        for f in fields {
            sqlx::query(
                "INSERT INTO change_fields (change_id, field, old_value, new_value) VALUES ($1, $2, $3, $4)",
            )
            .bind(&change_id)
            .bind(f.field.as_str())
            .bind(f.old.as_deref())
            .bind(f.new.as_deref())
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// One item's history, newest first.
    pub async fn for_item(db: &Db, entity: Entity, entity_id: &str) -> Result<Vec<Change>, AppError> {
        let mut changes = load(
            db,
            "h.entity = $1 AND h.entity_id = $2",
            &[entity.as_str(), entity_id],
        )
        .await?;
        // The page already says which item it is.
        for c in &mut changes {
            c.item = None;
        }
        Ok(changes)
    }

    /// The latest changes to anything in a course, newest first, each with
    /// the name of what it changed.
    pub async fn for_course(db: &Db, course_id: &str, limit: i64) -> Result<Vec<Change>, AppError> {
        let latest = format!(
            "h.id IN (SELECT id FROM change_history WHERE course_id = $1 ORDER BY changed_at DESC LIMIT {limit})"
        );
        load(db, &latest, &[course_id]).await
    }

    #[derive(sqlx::FromRow)]
    struct ChangeRow {
        id: String,
        display_name: String,
        changed_at: i64,
        summary: String,
        field: Option<String>,
        old_value: Option<String>,
        new_value: Option<String>,
        item: Option<String>,
    }

    async fn load(db: &Db, filter: &str, args: &[&str]) -> Result<Vec<Change>, AppError> {
        let sql = format!(
            "SELECT h.id, u.display_name, h.changed_at, h.summary, f.field, f.old_value, f.new_value, \
               COALESCE(a.title, g.title) AS item \
             FROM change_history h JOIN users u ON u.id = h.changed_by \
             LEFT JOIN change_fields f ON f.change_id = h.id \
             LEFT JOIN activities a ON h.entity = 'activity' AND a.id = h.entity_id \
             LEFT JOIN goals g ON h.entity = 'goal' AND g.id = h.entity_id \
             WHERE {filter} ORDER BY h.changed_at DESC, h.id, f.field"
        );
        let mut query = sqlx::query_as::<_, ChangeRow>(&sql);
        for a in args {
            query = query.bind(*a);
        }
        let rows = query.fetch_all(db.pool()).await?;
        let mut out: Vec<(String, Change)> = Vec::new();
        for r in rows {
            if out.last().map(|(last, _)| last != &r.id).unwrap_or(true) {
                out.push((
                    r.id,
                    Change {
                        item: r.item,
                        who: r.display_name,
                        when: format_ms(r.changed_at),
                        created: r.summary == "created",
                        fields: vec![],
                    },
                ));
            }
            if let (Some(field), Some((_, change))) =
                (r.field.as_deref().and_then(PlanField::parse), out.last_mut())
            {
                change.fields.push(FieldChange {
                    field,
                    old: r.old_value,
                    new: r.new_value,
                });
            }
        }
        // Fields in the order they appear on the form.
        for (_, c) in &mut out {
            c.fields
                .sort_by_key(|f| PlanField::ALL.iter().position(|x| x == &f.field));
        }
        Ok(out.into_iter().map(|(_, c)| c).collect())
    }
}
