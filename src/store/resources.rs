//! Resources: one row per archived exchange (errors and robots.txt included),
//! pointing at its WARC record; and HTTP validators for conditional GET.

use super::{Result, Store, Tx, now_utc};
use crate::model::Validators;
use rusqlite::{OptionalExtension, params};

#[derive(Debug, Clone, PartialEq)]
pub struct NewResource {
    pub run_id: Option<i64>,
    pub source: Option<String>,
    pub url: String,
    pub final_url: String,
    pub status: Option<u16>,
    pub content_type: Option<String>,
    pub fetched_at: String,
    pub warc_file: String,
    pub warc_offset: u64,
    pub warc_length: u64,
    pub payload_sha256: Option<String>,
    pub error: Option<String>,
}

/// Where the bytes of a resource are.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceLocation {
    pub url: String,
    pub status: Option<u16>,
    pub warc_file: String,
    pub warc_offset: u64,
    pub warc_length: u64,
    pub payload_sha256: Option<String>,
}

/// A `ResourceLocation` from columns url, status, warc_file, warc_offset,
/// warc_length, payload_sha256 (in that order).
pub(super) fn location_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ResourceLocation> {
    Ok(ResourceLocation {
        url: r.get(0)?,
        status: r.get(1)?,
        warc_file: r.get(2)?,
        warc_offset: r.get::<_, i64>(3)? as u64,
        warc_length: r.get::<_, i64>(4)? as u64,
        payload_sha256: r.get(5)?,
    })
}

impl Tx<'_> {
    pub fn insert_resource(&self, r: &NewResource) -> Result<i64> {
        self.exec(
            "INSERT INTO resources (run_id, source, url, final_url, status, content_type, fetched_at, warc_file, \
             warc_offset, warc_length, payload_sha256, error) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
            params![r.run_id, r.source, r.url, r.final_url, r.status, r.content_type, r.fetched_at, r.warc_file,
                r.warc_offset as i64, r.warc_length as i64, r.payload_sha256, r.error],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Keep a host's definitive robots.txt answer (its archived resource).
    pub fn record_robots(
        &self,
        host: &str,
        url: &str,
        status: u16,
        resource_id: i64,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO robots (host, url, status, resource_id, fetched_at) VALUES (?1,?2,?3,?4,?5) \
             ON CONFLICT(host) DO UPDATE SET url=?2, status=?3, resource_id=?4, fetched_at=?5",
            params![host, url, status, resource_id, now_utc()],
        )?;
        Ok(())
    }

    pub fn last_resource_id(&self) -> Result<Option<i64>> {
        Ok(Some(self.tx.last_insert_rowid()).filter(|id| *id > 0))
    }

    pub fn validators(&self, url: &str) -> Result<Option<Validators>> {
        self.query_opt(
            "SELECT etag, last_modified, payload_sha256 FROM validators WHERE url = ?1",
            params![url],
            |r| {
                Ok(Validators {
                    etag: r.get(0)?,
                    last_modified: r.get(1)?,
                    payload_sha256: r.get(2)?,
                })
            },
        )
    }

    pub fn set_validators(&self, url: &str, v: &Validators) -> Result<()> {
        self.exec(
            "INSERT INTO validators (url, etag, last_modified, payload_sha256) VALUES (?1,?2,?3,?4) \
             ON CONFLICT(url) DO UPDATE SET etag=?2, last_modified=?3, payload_sha256=?4",
            params![url, v.etag, v.last_modified, v.payload_sha256],
        )?;
        Ok(())
    }
}

impl Store {
    pub fn validators(&self, url: &str) -> Result<Option<Validators>> {
        Tx { tx: &self.conn }.validators(url)
    }

    pub fn resource(&self, id: i64) -> Result<Option<ResourceLocation>> {
        Tx { tx: &self.conn }.resource(id)
    }
}

impl Tx<'_> {
    pub fn resource(&self, id: i64) -> Result<Option<ResourceLocation>> {
        Ok(self
            .tx
            .query_row(
                "SELECT url, status, warc_file, warc_offset, warc_length, payload_sha256 FROM resources WHERE id = ?1",
                params![id],
                location_row,
            )
            .optional()?)
    }
}

impl Store {
    /// The last archived 2xx answer to a source's URL, following the fetch to
    /// its final URL when the answer was a redirect.
    pub fn latest_answer(&self, source: &str, url: &str) -> Result<Option<ResourceLocation>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT url, status, warc_file, warc_offset, warc_length, payload_sha256, final_url FROM resources \
             WHERE source = ?1 AND url = ?2 ORDER BY id DESC LIMIT 1",
        )?;
        let mut target = url.to_string();
        for _ in 0..2 {
            let row = stmt
                .query_row(params![source, target], |r| {
                    Ok((location_row(r)?, r.get::<_, String>(6)?))
                })
                .optional()?;
            match row {
                Some((loc, _)) if loc.status.is_some_and(|s| (200..300).contains(&s)) => {
                    return Ok(Some(loc));
                }
                Some((_, final_url)) if final_url != target => target = final_url,
                _ => return Ok(None),
            }
        }
        Ok(None)
    }

    /// The robots.txt answers kept since `since` (RFC 3339), per host key:
    /// the archive doubles as the robots cache across runs.
    pub fn recent_robots(&self, since: &str) -> Result<Vec<(String, ResourceLocation)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.url, r.status, r.warc_file, r.warc_offset, r.warc_length, r.payload_sha256, b.host \
             FROM robots b JOIN resources r ON r.id = b.resource_id WHERE b.fetched_at >= ?1",
        )?;
        let rows = stmt.query_map(params![since], |r| Ok((r.get(6)?, location_row(r)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every archived exchange's location, in the order they were stored.
    pub fn resource_locations(&self) -> Result<Vec<ResourceLocation>> {
        let mut stmt = self.conn.prepare(
            "SELECT url, status, warc_file, warc_offset, warc_length, payload_sha256 FROM resources ORDER BY id",
        )?;
        let rows = stmt.query_map([], location_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn resource_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM resources", [], |r| r.get::<_, i64>(0))?
            as u64)
    }
}
