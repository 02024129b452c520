//! How a one-time reset code reaches an ASN: to their registered go.id e-mail over SMTP, or to
//! their registered phone by SMS. The code goes from the hub to the ASN alone; whoever asked
//! for it to be sent gets back only where it went, masked. SMS is a trait with a logging
//! implementation (no SMS gateway is part of Berkas yet): it logs that a message would go,
//! never the code or the number.

use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::transport::smtp::client::Tls;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Where a code goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    Email(String),
    Phone(String),
}

impl Recipient {
    /// The address as the helpdesk may see it: enough to tell the ASN where to look.
    pub fn masked(&self) -> String {
        match self {
            Recipient::Email(e) => match e.split_once('@') {
                Some((user, domain)) => format!("{}***@{domain}", user.chars().next().unwrap_or('*')),
                None => "***".into(),
            },
            Recipient::Phone(p) => {
                let digits: Vec<char> = p.chars().filter(char::is_ascii_digit).collect();
                let tail: String = digits[digits.len().saturating_sub(3)..].iter().collect();
                format!("***{tail}")
            }
        }
    }

    pub fn channel(&self) -> &'static str {
        match self {
            Recipient::Email(_) => "email",
            Recipient::Phone(_) => "sms",
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DeliveryError(pub String);

/// Sends a reset code to its owner.
#[async_trait]
pub trait CodeDelivery: Send + Sync {
    /// Whether this delivery can reach `to` (an SMTP server for e-mail, a gateway for SMS).
    fn reaches(&self, to: &Recipient) -> bool;
    async fn send(&self, to: &Recipient, code: &str, expires_at: &str) -> Result<(), DeliveryError>;
}

/// The words of the message, in Bahasa Indonesia.
fn body(code: &str, expires_at: &str) -> String {
    format!(
        "Kode sekali pakai untuk mengatur ulang password Berkas Anda:\n\n    {code}\n\n\
         Masukkan kode ini sebagai password di layar masuk, lalu buat password baru.\n\
         Kode berlaku sampai {expires_at} dan hanya dapat dipakai sekali.\n\
         Petugas helpdesk tidak pernah melihat kode ini; jangan berikan kepada siapa pun.\n"
    )
}

/// E-mail over SMTP: `smtp://host:port` (plain, for a relay on the same machine or network)
/// or `smtps://host:port` (TLS), with the sender's address.
pub struct SmtpDelivery {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl SmtpDelivery {
    pub fn new(url: &str, from: &str) -> Result<SmtpDelivery, DeliveryError> {
        let bad = |e: String| DeliveryError(format!("SMTP settings: {e}"));
        let (scheme, rest) = url.split_once("://").ok_or_else(|| bad(format!("{url} is not smtp://HOST:PORT")))?;
        let (host, port) = match rest.trim_end_matches('/').rsplit_once(':') {
            Some((h, p)) => (h, Some(p.parse::<u16>().map_err(|_| bad(format!("{p} is not a port")))?)),
            None => (rest.trim_end_matches('/'), None),
        };
        if host.is_empty() || host.contains(['/', '@']) {
            return Err(bad(format!("{url} names no host")));
        }
        let builder = match scheme {
            "smtp" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).tls(Tls::None),
            "smtps" => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(|e| bad(e.to_string()))?,
            other => return Err(bad(format!("the scheme is smtp or smtps, not {other}"))),
        };
        let builder = match port {
            Some(p) => builder.port(p),
            None => builder,
        };
        let from = from.parse().map_err(|e| bad(format!("{from} is not a sender address ({e})")))?;
        Ok(SmtpDelivery { transport: builder.build(), from })
    }
}

#[async_trait]
impl CodeDelivery for SmtpDelivery {
    fn reaches(&self, to: &Recipient) -> bool {
        matches!(to, Recipient::Email(_))
    }

    async fn send(&self, to: &Recipient, code: &str, expires_at: &str) -> Result<(), DeliveryError> {
        let Recipient::Email(address) = to else {
            return Err(DeliveryError("SMTP delivers e-mail only".into()));
        };
        let to = address.parse().map_err(|_| DeliveryError("the registered e-mail address is not valid".into()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject("Kode reset password Berkas")
            .header(ContentType::TEXT_PLAIN)
            .body(body(code, expires_at))
            .map_err(|e| DeliveryError(format!("the message: {e}")))?;
        self.transport.send(message).await.map_err(|e| DeliveryError(format!("the SMTP server: {e}")))?;
        Ok(())
    }
}

/// SMS through no gateway: says on standard error that a message would go, without the
/// number or the code (no personal data in logs).
pub struct LogSms;

#[async_trait]
impl CodeDelivery for LogSms {
    fn reaches(&self, to: &Recipient) -> bool {
        matches!(to, Recipient::Phone(_))
    }

    async fn send(&self, to: &Recipient, _code: &str, _expires_at: &str) -> Result<(), DeliveryError> {
        eprintln!("sms: a reset code would be sent to {} (no SMS gateway is configured)", to.masked());
        Ok(())
    }
}

/// Every delivery the hub has, tried in turn for a recipient.
#[derive(Clone, Default)]
pub struct Deliveries(pub Vec<std::sync::Arc<dyn CodeDelivery>>);

impl Deliveries {
    pub fn for_recipient(&self, to: &Recipient) -> Option<std::sync::Arc<dyn CodeDelivery>> {
        self.0.iter().find(|d| d.reaches(to)).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_addresses_keep_only_a_hint() {
        assert_eq!(Recipient::Email("siti.aminah@bkd.go.id".into()).masked(), "s***@bkd.go.id");
        assert_eq!(Recipient::Phone("+6281370000001".into()).masked(), "***001");
        let refused = |url: &str, from: &str| SmtpDelivery::new(url, from).err().map(|e| e.0).unwrap_or_default();
        assert!(refused("http://127.0.0.1:25", "a@b.go.id").contains("not http"));
        assert!(refused("smtp://127.0.0.1:x", "a@b.go.id").contains("x is not a port"));
        assert!(refused("smtp://127.0.0.1:2525", "not an address").contains("not a sender address"));
        assert!(SmtpDelivery::new("smtp://127.0.0.1:2525", "helpdesk@bkd.go.id").is_ok());
    }
}
