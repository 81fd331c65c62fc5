//! `/caseload`: the caseworker's citizens, with the invitation form (one
//! citizen's page is in `citizen.rs`).
use super::types::{CaseloadFilter, CaseloadRow, CaseloadView};
use super::{invite_draft, my_caseload};
use crate::forms::Draft;
use crate::forms::{FormStatus, TextField};
use crate::i18n::{t, texts, tf, Msg};
use crate::layout::Title;
use crate::layout::{DataTable, Loaded};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CaseloadPage() -> impl IntoView {
    let filter = use_query_map().get_untracked().get("filter").unwrap_or_default();
    view! {
        <Title text=t(Msg::CaseloadTitle) />
        <h1>{t(Msg::CaseloadTitle)}</h1>
        <Loaded future=my_caseload(filter) let:view>
            <Caseload view=view />
        </Loaded>
        // Its own loader: the form comes back filled in after a refusal.
        <Loaded future=invite_draft() let:draft>
            <InviteForm draft=draft />
        </Loaded>
    }
}

#[component]
fn InviteForm(draft: Option<Draft>) -> impl IntoView {
    provide_context(draft.unwrap_or_default());
    view! {
        <section class="card" aria-labelledby="invite-heading">
            <h2 id="invite-heading">{t(Msg::CaseloadInviteTitle)}</h2>
            <p>{t(Msg::CaseloadInviteIntro)}</p>
            <FormStatus />
            <form method="post" action="/api/invite-citizen" novalidate class="stack">
                <TextField
                    name="name"
                    label=Msg::CaseloadName
                    autocomplete="off"
                    required=true
                    maxlength=100
                />
                <TextField
                    name="email"
                    label=Msg::CaseloadEmail
                    kind="email"
                    autocomplete="off"
                    required=true
                    maxlength=254
                />
                <button type="submit" class="button">
                    {t(Msg::CaseloadInviteButton)}
                </button>
            </form>
        </section>
    }
}

#[component]
fn Caseload(view: CaseloadView) -> impl IntoView {
    let current = view.filter;
    view! {
        <nav aria-labelledby="filters-heading" class="filters">
            <h2 id="filters-heading" class="visually-hidden">
                {t(Msg::CaseloadFilters)}
            </h2>
            <ul>
                {view
                    .counts
                    .into_iter()
                    .map(|(f, n)| {
                        let href = match f {
                            CaseloadFilter::All => "/caseload".to_string(),
                            f => format!("/caseload?filter={}", f.as_str()),
                        };
                        let described = (f == CaseloadFilter::WellbeingFalling).then_some("falling-rule");
                        // The falling rule is said in words beside its filter.
                        view! {
                            <li>
                                <a
                                    href=href
                                    aria-current=(f == current).then_some("page")
                                    aria-describedby=described
                                >
                                    {t(f.label())}
                                    " ("
                                    {n}
                                    ")"
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="hint" id="falling-rule">
                {t(Msg::CaseloadFallingRule)}
            </p>
        </nav>
        {if view.rows.is_empty() {
            let empty = if current == CaseloadFilter::All {
                Msg::CaseloadEmpty
            } else {
                Msg::CaseloadFilterEmpty
            };
            view! { <p>{t(empty)}</p> }.into_any()
        } else {
            view! { <CaseloadTable rows=view.rows /> }.into_any()
        }}
    }
}

#[component]
fn CaseloadTable(rows: Vec<CaseloadRow>) -> impl IntoView {
    view! {
        <DataTable caption=t(Msg::CaseloadCaption) id="caseload">
            <thead>
                <tr>
                    <th scope="col">{t(Msg::CaseloadCitizen)}</th>
                    <th scope="col">{t(Msg::CourseKind)}</th>
                    <th scope="col">{t(Msg::OverviewNextActivity)}</th>
                    <th scope="col">{t(Msg::CaseloadAttention)}</th>
                    <th scope="col">{t(Msg::CaseloadUnread)}</th>
                    <th scope="col">{t(Msg::CaseloadOpenConcerns)}</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|r| {
                        let mut attention = Vec::new();
                        if r.activity_today {
                            attention.push(t(Msg::CaseloadFlagToday).to_string());
                        }
                        if r.no_activity_started {
                            attention
                                .push(
                                    tf(texts::CaseloadFlagNoActivity {
                                        date: &r.six_month_deadline.clone().unwrap_or_default(),
                                    }),
                                );
                        }
                        if r.wellbeing_falling {
                            attention.push(t(Msg::CaseloadFlagWellbeingFalling).to_string());
                        }
                        if r.ending_soon {
                            attention
                                .push(
                                    tf(texts::CaseloadFlagEnding {
                                        date: &r.planned_end.clone().unwrap_or_default(),
                                    }),
                                );
                        }
                        view! {
                            <tr>
                                <th scope="row">
                                    <a href=format!("/caseload/citizens/{}", r.id)>{r.name}</a>
                                </th>
                                <td>
                                    {r
                                        .course_kind
                                        .map(|k| t(k.label()))
                                        .unwrap_or_else(|| t(Msg::CaseloadNoCourse))}
                                </td>
                                <td>{r.next_activity.unwrap_or_else(|| t(Msg::PlanNone).to_string())}</td>
                                <td>
                                    {attention
                                        .into_iter()
                                        .map(|a| view! { <span class="flag">{a}</span> })
                                        .collect_view()}
                                </td>
                                <td>{r.unread_from_citizen}</td>
                                <td>{r.open_concerns}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </DataTable>
    }
}
