//! Contact data: Indonesian mobile numbers normalised to E.164, e-mail addresses, and the
//! official `go.id` address used for SSO and digital signatures.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("phone number is empty")]
    Empty,
    #[error("phone number has a character that is not a digit at position {position}")]
    InvalidChar { position: usize },
    #[error("phone number must start with 08, +628 or 628")]
    Prefix,
    #[error("phone number must be a mobile number: after the country code it starts with 8")]
    NotMobile,
    #[error("mobile number must have 9 to 12 digits after 0 (or +62), found {found}")]
    Length { found: usize },
}

impl PhoneError {
    pub fn code(&self) -> &'static str {
        match self {
            PhoneError::Empty => "phone.empty",
            PhoneError::InvalidChar { .. } => "phone.invalid_char",
            PhoneError::Prefix => "phone.prefix",
            PhoneError::NotMobile => "phone.not_mobile",
            PhoneError::Length { .. } => "phone.length",
        }
    }
}

/// An Indonesian mobile number in E.164 form (`+628...`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Accepts `08..`, `+628..`, `628..` with spaces, dashes, dots or brackets between digits.
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        let mut digits = String::new();
        let mut plus = false;
        for (i, c) in input.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if digits.is_empty() && !plus => plus = true,
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(PhoneError::InvalidChar { position: i + 1 }),
            }
        }
        if digits.is_empty() {
            return Err(PhoneError::Empty);
        }
        let national = if plus || digits.starts_with("62") {
            digits.strip_prefix("62").ok_or(PhoneError::Prefix)?
        } else {
            digits.strip_prefix('0').ok_or(PhoneError::Prefix)?
        };
        if !national.starts_with('8') {
            return Err(PhoneError::NotMobile);
        }
        if !(9..=12).contains(&national.len()) {
            return Err(PhoneError::Length { found: national.len() });
        }
        Ok(Phone(format!("+62{national}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("e-mail address is empty")]
    Empty,
    #[error("e-mail address must have exactly one @")]
    At,
    #[error("e-mail address has an invalid part before the @")]
    Local,
    #[error("e-mail address has an invalid domain after the @")]
    Domain,
    #[error("official e-mail must be a go.id address")]
    NotGoId,
}

impl EmailError {
    pub fn code(&self) -> &'static str {
        match self {
            EmailError::Empty => "email.empty",
            EmailError::At => "email.at",
            EmailError::Local => "email.local",
            EmailError::Domain => "email.domain",
            EmailError::NotGoId => "email.not_go_id",
        }
    }
}

/// An e-mail address; the domain is lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, EmailError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        let mut parts = s.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(EmailError::At);
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        if !local_ok {
            return Err(EmailError::Local);
        }
        let domain = domain.to_ascii_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && domain.len() <= 253
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !domain_ok {
            return Err(EmailError::Domain);
        }
        Ok(Email(format!("{local}@{domain}")))
    }

    /// An official address: a subdomain of `go.id` (e.g. `nama@bkd.jatengprov.go.id`).
    pub fn parse_gov(input: &str) -> Result<Email, EmailError> {
        let e = Email::parse(input)?;
        let domain = e.domain();
        if domain.ends_with(".go.id") {
            Ok(e)
        } else {
            Err(EmailError::NotGoId)
        }
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit('@').next().unwrap_or_default()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_every_indonesian_mobile_form() {
        for input in ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 3456.7890"] {
            assert_eq!(Phone::parse(input).expect(input).as_str(), "+6281234567890");
        }
    }

    #[test]
    fn rejects_what_is_not_a_mobile_number() {
        assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("021-5551234"), Err(PhoneError::NotMobile));
        assert_eq!(Phone::parse("+1 415 555 1234"), Err(PhoneError::Prefix));
        assert_eq!(Phone::parse("0812"), Err(PhoneError::Length { found: 3 }));
        assert_eq!(Phone::parse("0812a"), Err(PhoneError::InvalidChar { position: 5 }));
        assert_eq!(Phone::parse("81234567890"), Err(PhoneError::Prefix));
    }

    #[test]
    fn email_and_official_email() {
        assert_eq!(Email::parse(" Budi.S@Gmail.COM ").expect("ok").as_str(), "Budi.S@gmail.com");
        assert_eq!(Email::parse("budi"), Err(EmailError::At));
        assert_eq!(Email::parse("a@b@c.id"), Err(EmailError::At));
        assert_eq!(Email::parse(".budi@x.id"), Err(EmailError::Local));
        assert_eq!(Email::parse("budi@localhost"), Err(EmailError::Domain));
        assert!(Email::parse_gov("budi@bkd.jatengprov.go.id").is_ok());
        assert_eq!(Email::parse_gov("budi@gmail.com"), Err(EmailError::NotGoId));
        assert_eq!(Email::parse_gov("budi@notgo.id"), Err(EmailError::NotGoId));
    }
}
