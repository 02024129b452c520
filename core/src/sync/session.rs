//! What a device keeps of its hub between syncs, read with no network: who it is signed in as,
//! the hub's limits, the language the user chose, and the news a sync brought (a request
//! returned, approved ...). The sync client (`client.rs`, `referensi.rs`) writes them; an app
//! opens on them offline after a restart.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::protocol::HubSettings;
use crate::display::Lang;
use crate::error::{Error, Result};
use crate::profile::Berkas;
use crate::store::replica::{meta_get, meta_set};

pub(crate) const PRINCIPAL: &str = "sync.principal";
pub(crate) const SETTINGS: &str = "hub.settings";
pub(crate) const SETTINGS_TAG: &str = "hub.settings.tag";
const LANGUAGE: &str = "ui.lang";
/// What the user was last told of: request statuses and written warnings, by id.
const NEWS_SEEN: &str = "news.seen";
/// How a ticket's latest helpdesk step is keyed among the news seen.
const TIKET_NEWS: &str = "tiket:";

/// Where a profile stands, known with no network: what an app needs at launch to open on the
/// records (signed in) or on the sign-in form (never signed in, signed out, or the hub ended
/// the session).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    /// A session is held (a refresh token): open on the records, offline too.
    pub signed_in: bool,
    pub server: Option<String>,
    pub principal: Option<HubPrincipal>,
    /// The NIP of the signed-in ASN's own record, when this device holds it.
    pub own_nip: Option<String>,
    /// When the last sync finished (RFC 3339), if ever.
    pub last_sync: Option<String>,
    /// Changes waiting to be sent: signing out loses them unless they are sent first.
    pub outbox: u64,
}

/// Something that happened to the user's own requests or record, learnt at a sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct News {
    /// `returned`, `approved`, `rejected`, `completed`, `in_review`, `teguran`, `tiket` (the
    /// helpdesk wrote on one of the user's tickets: `reason` is what it wrote).
    pub kind: String,
    /// The request (or, for `teguran`, the warning's row).
    pub id: String,
    pub layanan_id: Option<String>,
    /// The facilitator's reason, where one was given.
    pub reason: Option<String>,
}

/// Statuses a user is told about.
fn news_kind(status: &str) -> Option<&'static str> {
    Some(match status {
        "RETURNED" => "returned",
        "APPROVED" => "approved",
        "REJECTED" => "rejected",
        "COMPLETED" => "completed",
        "IN_REVIEW" => "in_review",
        _ => return None,
    })
}

/// Who the hub says we are after login, as the shells show it (the role as text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HubPrincipal {
    pub username: String,
    pub role: String,
    #[serde(default)]
    pub pegawai_id: Option<String>,
    #[serde(default)]
    pub units: Vec<String>,
}

impl From<&crate::authz::Principal> for HubPrincipal {
    fn from(p: &crate::authz::Principal) -> HubPrincipal {
        HubPrincipal {
            username: p.username.clone(),
            role: p.role.as_str().to_string(),
            pegawai_id: p.pegawai_id.clone(),
            units: p.units.clone(),
        }
    }
}

impl Berkas {
    /// Who this profile is signed in as, in the terms of `authz` (none for a profile that never
    /// signed in to a hub: a local tool, which the rules do not limit).
    pub fn principal(&self) -> Result<Option<crate::authz::Principal>> {
        let store = self.store();
        let Some(json) = meta_get(&store.conn, PRINCIPAL)? else { return Ok(None) };
        let Ok(p) = serde_json::from_str::<HubPrincipal>(&json) else { return Ok(None) };
        Ok(crate::authz::Role::parse(&p.role).map(|role| crate::authz::Principal {
            username: p.username,
            role,
            pegawai_id: p.pegawai_id,
            units: p.units,
        }))
    }

    /// The hub's limits as stored at the last sync (none before the first).
    pub fn hub_settings(&self) -> Result<Option<HubSettings>> {
        let store = self.store();
        Ok(meta_get(&store.conn, SETTINGS)?.and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// Refuses a document the hub would refuse at upload (larger than it accepts, of a content
    /// type it does not take), before it is stored or uploaded.
    pub(crate) fn check_hub_limit(&self, id_ref_dokumen: &str, size: u64, mime: &str) -> Result<()> {
        let Some(s) = self.hub_settings()? else { return Ok(()) };
        let limit = s.document_limit(id_ref_dokumen);
        if size > limit {
            return Err(Error::TooLargeForHub { size, limit });
        }
        if !s.document_types.is_empty() && !s.document_types.iter().any(|t| t == mime) {
            return Err(Error::document(
                crate::docs::codes::TYPE_NOT_ACCEPTED,
                format!("the hub accepts documents of type {}, not {mime}", s.document_types.join(", ")),
            ));
        }
        Ok(())
    }

    /// Where this profile stands (no network).
    pub fn session(&self) -> Result<Session> {
        let signed_in = self.signed_in()?;
        let principal = self.principal_as_sent()?;
        let store = self.store();
        let own_nip = match principal.as_ref().and_then(|p| p.pegawai_id.as_deref()) {
            Some(id) => {
                use rusqlite::OptionalExtension;
                store.conn.query_row("SELECT nip_baru FROM pegawai WHERE id = ?1", [id], |r| r.get(0)).optional()?
            }
            None => None,
        };
        let outbox: i64 = store.conn.query_row(
            "SELECT count(*) FROM outbox WHERE state IN ('pending', 'uploading', 'refused', 'wedged')",
            [],
            |r| r.get(0),
        )?;
        Ok(Session {
            signed_in,
            server: meta_get(&store.conn, "sync.server")?,
            principal,
            own_nip,
            last_sync: meta_get(&store.conn, "sync.last")?,
            outbox: outbox as u64,
        })
    }

    fn principal_as_sent(&self) -> Result<Option<HubPrincipal>> {
        let store = self.store();
        Ok(meta_get(&store.conn, PRINCIPAL)?.and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// Whether this profile holds a session (a refresh token): an app opens on its records
    /// instead of the sign-in form.
    pub fn signed_in(&self) -> Result<bool> {
        Ok(self.secrets().get(&self.secret_name("sync-refresh"))?.is_some())
    }

    /// The language the user chose in the app, kept in the profile (none: follow the system).
    pub fn language(&self) -> Result<Option<Lang>> {
        Ok(meta_get(&self.store().conn, LANGUAGE)?.and_then(|l| Lang::parse(&l)))
    }

    pub fn set_language(&self, lang: Lang) -> Result<()> {
        meta_set(&self.store().conn, LANGUAGE, lang.code())
    }

    /// The statuses of the user's own requests and their written warnings now.
    fn news_state(&self) -> Result<BTreeMap<String, String>> {
        let Some(pegawai) = self.principal_as_sent()?.and_then(|p| p.pegawai_id) else {
            return Ok(BTreeMap::new());
        };
        let store = self.store();
        let mut out = BTreeMap::new();
        let mut st = store.conn.prepare("SELECT id, coalesce(status, '') FROM usulan WHERE pegawai_id = ?1")?;
        for r in st.query_map([&pegawai], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (id, status) = r?;
            out.insert(id, status);
        }
        let mut st = store.conn.prepare("SELECT id FROM teguran WHERE pegawai_id = ?1")?;
        for r in st.query_map([&pegawai], |r| r.get::<_, String>(0))? {
            out.insert(r?, "TEGURAN".into());
        }
        // A ticket is news when the helpdesk wrote a step the user has not been told of.
        let mut st = store.conn.prepare(
            "SELECT tiket_id, max(id) FROM tiket_pesan WHERE pegawai_id = ?1 AND peran = 'PETUGAS' GROUP BY tiket_id",
        )?;
        for r in st.query_map([&pegawai], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (tiket, step) = r?;
            out.insert(format!("{TIKET_NEWS}{tiket}"), step);
        }
        Ok(out)
    }

    /// What changed for the user since they were last told, and remembers it told. The first
    /// time (a new sign-in) nothing is news: what the hub held before is not.
    pub(crate) fn take_news(&self) -> Result<Vec<News>> {
        let now = self.news_state()?;
        let seen: Option<BTreeMap<String, String>> =
            meta_get(&self.store().conn, NEWS_SEEN)?.and_then(|j| serde_json::from_str(&j).ok());
        let mut news = Vec::new();
        if let Some(seen) = seen {
            for (id, status) in &now {
                if seen.get(id) == Some(status) {
                    continue;
                }
                if let Some(tiket) = id.strip_prefix(TIKET_NEWS) {
                    let t = self.tiket(tiket)?;
                    let answer = t.steps.iter().rev().find(|s| s.peran == "PETUGAS").and_then(|s| s.isi.clone());
                    news.push(News { kind: "tiket".into(), id: tiket.to_string(), layanan_id: None, reason: answer });
                } else if status == "TEGURAN" {
                    news.push(News { kind: "teguran".into(), id: id.clone(), layanan_id: None, reason: None });
                } else if let Some(kind) = news_kind(status) {
                    let u = self.usulan(id)?;
                    news.push(News {
                        kind: kind.into(),
                        id: id.clone(),
                        layanan_id: Some(u.layanan_id),
                        reason: u.status_reason,
                    });
                }
            }
        }
        let json = serde_json::to_string(&now).map_err(|e| Error::BadDocument(e.to_string()))?;
        meta_set(&self.store().conn, NEWS_SEEN, &json)?;
        Ok(news)
    }
}

impl Berkas {
    /// Sets this profile's wall clock `offset_ms` away from the machine's, as a phone set to
    /// the wrong date is: for tests of the hub's clock bound. Not for the app.
    #[doc(hidden)]
    pub fn set_wall_clock_offset_for_tests(&self, offset_ms: i64) -> Result<()> {
        meta_set(&self.store().conn, crate::store::replica::WALL_OFFSET, &offset_ms.to_string())
    }
}
