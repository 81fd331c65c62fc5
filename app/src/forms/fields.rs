//! A form's fields, declared once. [`form!`](crate::form) makes the struct a
//! server function receives (flattened, so the HTML names are the field
//! names) and the list of what was typed that comes back filled in after a
//! refusal ([`FormFields`]). A field added to the struct is therefore kept on
//! a refusal without anyone remembering to.

/// What was typed into a form, by field name, as posted.
pub trait FormFields {
    fn fields(&self) -> Vec<(&'static str, &str)>;
}

/// The text a field held: a box left unticked, or a choice not made, held
/// nothing.
pub trait FieldText {
    fn text(&self) -> &str;
}

impl FieldText for String {
    fn text(&self) -> &str {
        self
    }
}

impl FieldText for Option<String> {
    fn text(&self) -> &str {
        self.as_deref().unwrap_or_default()
    }
}

/// A password as posted. It never comes back filled in after a refusal
/// (its [`FieldText`] is empty) and never shows in a log (`Debug`).
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The password, to be hashed or checked (and nothing else).
    pub fn reveal(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

impl FieldText for Password {
    fn text(&self) -> &str {
        ""
    }
}

/// Declares a form as posted: every field is its raw text (`String`, or
/// `Option<String>` for a box or choice that may be absent), missing fields
/// are empty, and [`FormFields`] lists them for the kept draft. Parsing into
/// typed values is the feature's own `parse`, beside the struct.
///
/// ```ignore
/// form! {
///     /// A message to the caseworker.
///     pub struct NewThread { pub subject: String, pub body: String }
/// }
/// ```
#[macro_export]
macro_rules! form {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            $( $(#[$field_meta])* #[serde(default)] pub $field: $ty, )*
        }

        impl $crate::forms::FormFields for $name {
            fn fields(&self) -> Vec<(&'static str, &str)> {
                vec![$((stringify!($field), $crate::forms::FieldText::text(&self.$field)),)*]
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::FormFields;

    crate::form! {
        /// A form for the test.
        pub struct Example {
            pub title: String,
            pub share: Option<String>,
            pub password: super::Password,
        }
    }

    #[test]
    fn every_field_is_listed_by_its_posted_name() {
        let typed = Example {
            title: "Praktik".into(),
            share: None,
            password: super::Password::default(),
        };
        assert_eq!(
            typed.fields(),
            vec![("title", "Praktik"), ("share", ""), ("password", "")]
        );
        // Posted as a form: absent fields are empty, names are the fields'; a
        // password is never kept, nor shown.
        let posted: Example =
            serde_urlencoded::from_str("title=Ny+praktik&share=yes&password=hemmelig-1234").unwrap();
        assert_eq!(
            posted.fields(),
            vec![("title", "Ny praktik"), ("share", "yes"), ("password", "")]
        );
        assert!(!posted.password.is_empty());
        assert!(!format!("{posted:?}").contains("hemmelig"));
        let empty: Example = serde_urlencoded::from_str("").unwrap();
        assert_eq!(empty, Example::default());
    }
}
