//! Every phone number the app shows, in one place, and the tap-to-call link
//! that shows them. A number on a phone is a link: nobody should have to
//! copy digits while they are unwell.
use crate::error::AppError;
use crate::i18n::{t, texts, use_lang, Msg};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Life-threatening: the national emergency number.
pub const EMERGENCY: &str = "112";

/// Livslinien, the suicide-prevention helpline (livslinien.dk).
pub const LIVSLINIEN: &str = "70 201 201";

/// The jobcentre's switchboard. The demo municipality's number: a deployment
/// sets its own here (it is also on the contact page and in the messages).
pub const JOBCENTRE: &str = "70 10 20 30";

/// Digitaliseringsstyrelsen, where a complaint about accessibility goes
/// (digst.dk, "Oplever du ikke-tilgængeligt indhold?").
pub const DIGITALISERINGSSTYRELSEN: &str = "20 16 36 12";

/// The region's out-of-hours medical line (lægevagten), called when one's
/// own doctor is closed. Each region has its own. Sources: Region
/// Hovedstaden's Akuttelefonen 1813; Region Sjælland's 1818 since 1 October
/// 2022 (B.T. 2022-09, Dagens Medicin 2024-08); Region Syddanmark 70 11 07 07
/// (regionsyddanmark.dk, "Lægevagt i Region Syddanmark"); Region Midtjylland
/// 70 11 31 31 (laegevagten.dk, rm.dk); Region Nordjylland 70 15 03 00
/// (da.wikipedia.org "Lægevagt"; check against rn.dk before going live).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MedicalLine {
    Hovedstaden,
    Sjaelland,
    Syddanmark,
    Midtjylland,
    Nordjylland,
}

impl MedicalLine {
    pub const ALL: [MedicalLine; 5] = [
        MedicalLine::Hovedstaden,
        MedicalLine::Sjaelland,
        MedicalLine::Syddanmark,
        MedicalLine::Midtjylland,
        MedicalLine::Nordjylland,
    ];

    pub fn number(self) -> &'static str {
        match self {
            MedicalLine::Hovedstaden => "1813",
            MedicalLine::Sjaelland => "1818",
            MedicalLine::Syddanmark => "70 11 07 07",
            MedicalLine::Midtjylland => "70 11 31 31",
            MedicalLine::Nordjylland => "70 15 03 00",
        }
    }

    pub fn region(self) -> Msg {
        match self {
            MedicalLine::Hovedstaden => Msg::RegionHovedstaden,
            MedicalLine::Sjaelland => Msg::RegionSjaelland,
            MedicalLine::Syddanmark => Msg::RegionSyddanmark,
            MedicalLine::Midtjylland => Msg::RegionMidtjylland,
            MedicalLine::Nordjylland => Msg::RegionNordjylland,
        }
    }

    /// The line for a region as the database names it ("Region Sjælland").
    pub fn for_region(name: &str) -> Option<MedicalLine> {
        let name = name.to_lowercase();
        let has = |w: &str| name.contains(w);
        if has("hovedstad") {
            Some(MedicalLine::Hovedstaden)
        } else if has("sjælland") || has("sjaelland") {
            Some(MedicalLine::Sjaelland)
        } else if has("syddanmark") {
            Some(MedicalLine::Syddanmark)
        } else if has("midtjylland") {
            Some(MedicalLine::Midtjylland)
        } else if has("nordjylland") {
            Some(MedicalLine::Nordjylland)
        } else {
            None
        }
    }
}

/// `tel:` wants digits (and a leading +) only: "70 201 201" → "tel:70201201".
/// Only text that is a phone number and nothing else becomes a link (a
/// caseworker may write "ring via receptionen" in the field).
pub fn tel_href(number: &str) -> Option<String> {
    let number = number.trim();
    let allowed = |(i, c): (usize, char)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')') || (i == 0 && c == '+')
    };
    if !number.chars().enumerate().all(allowed) {
        return None;
    }
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let plus = if number.starts_with('+') { "+" } else { "" };
    (3..=15)
        .contains(&digits.len())
        .then(|| format!("tel:{plus}{digits}"))
}

/// A phone number a finger can call. Text that is not a number (a contact
/// person's "ring via receptionen", say) is shown as it is.
#[component]
pub fn PhoneLink(#[prop(into)] number: String) -> impl IntoView {
    match tel_href(&number) {
        Some(href) => view! {
            <a class="phone" href=href>
                {number}
            </a>
        }
        .into_any(),
        None => number.into_any(),
    }
}

/// A sentence with one `{phone}` in it, the number as a link.
#[component]
pub fn WithPhone(text: &'static str, number: &'static str) -> impl IntoView {
    let (before, after) = text.split_once("{phone}").unwrap_or((text, ""));
    view! {
        {before}
        <PhoneLink number=number />
        {after}
    }
}

/// The out-of-hours medical line of the citizen's own region, if known.
#[server]
pub async fn my_medical_line() -> Result<Option<MedicalLine>, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let region: Option<String> =
        sqlx::query_scalar("SELECT r.name FROM users u JOIN regions r ON r.id = u.region_id WHERE u.id = $1")
            .bind(&user.id)
            .fetch_optional(state.db.pool())
            .await?;
    Ok(region.and_then(|name| MedicalLine::for_region(&name)))
}

/// "Uden for lægens åbningstid: ring 1818 (Region Sjælland)", or every
/// region's number when we do not know the person's region.
#[component]
pub fn MedicalLineItem(line: Option<MedicalLine>) -> impl IntoView {
    match line {
        Some(line) => {
            let text = texts::HelpMedicalLine::raw(use_lang());
            let (before, after) = text.split_once("{phone}").unwrap_or((text, ""));
            let after = after.replace("{region}", t(line.region()));
            view! { <li>{before}<PhoneLink number=line.number() />{after}</li> }.into_any()
        }
        None => view! {
            <li>
                {t(Msg::HelpMedicalLineAny)}
                <ul>
                    {MedicalLine::ALL
                        .into_iter()
                        .map(|l| view! { <li>{t(l.region())} ": " <PhoneLink number=l.number() /></li> })
                        .collect_view()}
                </ul>
            </li>
        }
        .into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_tel_links() {
        assert_eq!(tel_href("70 201 201").as_deref(), Some("tel:70201201"));
        assert_eq!(tel_href("+45 70 10 20 30").as_deref(), Some("tel:+4570102030"));
        assert_eq!(tel_href("1813").as_deref(), Some("tel:1813"));
        assert_eq!(tel_href("ring via receptionen"), None);
        assert_eq!(tel_href("<b>70 10 20 30</b>"), None);
        assert_eq!(tel_href("12"), None);
    }

    #[test]
    fn each_region_has_its_own_medical_line() {
        assert_eq!(
            MedicalLine::for_region("Region Hovedstaden"),
            Some(MedicalLine::Hovedstaden)
        );
        assert_eq!(
            MedicalLine::for_region("Region Sjælland").map(MedicalLine::number),
            Some("1818")
        );
        assert_eq!(
            MedicalLine::for_region("Region Syddanmark").map(MedicalLine::number),
            Some("70 11 07 07")
        );
        assert_eq!(
            MedicalLine::for_region("Region Midtjylland").map(MedicalLine::number),
            Some("70 11 31 31")
        );
        assert_eq!(
            MedicalLine::for_region("Region Nordjylland").map(MedicalLine::number),
            Some("70 15 03 00")
        );
        assert_eq!(MedicalLine::for_region("Gotland"), None);
    }
}
