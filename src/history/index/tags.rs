//! Annotated tags as approvals: `refs/tags/*` whose tag object carries
//! `Approved-by:` / `Reviewed-by:` trailers and points (through nested tags)
//! at a walked commit. The event is timed by the tagger; the signature is
//! the tag's own, checked against the allowed-signers file of the tagged
//! commit. Lightweight tags carry no message and are ignored.

use std::collections::HashSet;

use git2::{ObjectType, Oid, Repository};

use super::super::attestation::{attestation, Attestation, Mailmapper, TagFacts};
use super::super::encoding::decode;
use super::super::facts::SignersFrom;
use super::super::objects::IdMap;
use super::super::signature::{split_signed, Verifier};
use super::super::trailer::approval_trailers;
use super::super::{HistoryError, Identity};

/// Tags nested deeper than this are not followed.
const MAX_NESTING: usize = 16;

/// The attestations of annotated tags on commits in `by_id`, by tag name.
pub(super) fn read(
    repo: &Repository,
    by_id: &IdMap<Oid, u32>,
    mailmap: &mut Mailmapper,
    verifier: &mut Verifier<'_>,
) -> Result<Vec<Attestation>, HistoryError> {
    let odb = repo.odb()?;
    let mut refs: Vec<(String, Oid)> = Vec::new();
    for reference in repo.references_glob("refs/tags/*")? {
        let reference = reference?;
        if let (Some(name), Some(target)) = (reference.name().ok(), reference.target()) {
            refs.push((name.trim_start_matches("refs/tags/").to_owned(), target));
        }
    }
    refs.sort();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (name, id) in refs {
        if !seen.insert(id) {
            continue;
        }
        let Ok(object) = odb.read(id) else { continue };
        if object.kind() != ObjectType::Tag {
            continue;
        }
        let raw = object.data();
        let Some(tag) = parse(raw) else { continue };
        let Some(commit) = peel(&odb, tag.object, tag.kind) else {
            continue;
        };
        let Some(&pos) = by_id.get(&commit) else {
            continue;
        };
        let Some(trailers) = approval_trailers(&tag.message) else {
            continue;
        };
        let mut att = attestation(pos, trailers, mailmap);
        let tagger = match &tag.tagger {
            Some((name, email, _, _)) => mailmap.resolve(name, email),
            None => Identity {
                name: String::new(),
                email: String::new(),
                raw_email: String::new(),
            },
        };
        let (time, offset_minutes) = tag.tagger.as_ref().map_or((0, 0), |t| (t.2, t.3));
        att.signature = verifier.tag(raw, SignersFrom::Commit(commit), time);
        att.tag = Some(TagFacts {
            name,
            tagger,
            time,
            offset_minutes,
        });
        out.push(att);
    }
    Ok(out)
}

/// The parts of a raw tag object that matter here.
pub(in crate::history) struct RawTag {
    pub(in crate::history) object: Oid,
    pub(in crate::history) kind: String,
    /// (name, email, time, offset minutes)
    pub(in crate::history) tagger: Option<(String, String, i64, i32)>,
    /// The message without its signature.
    pub(in crate::history) message: String,
}

pub(in crate::history) fn parse(raw: &[u8]) -> Option<RawTag> {
    let unsigned = split_signed(raw).map_or(raw, |(payload, _)| payload);
    let header_end = unsigned.windows(2).position(|w| w == b"\n\n");
    let (header, message) = match header_end {
        Some(end) => (&unsigned[..end], &unsigned[end + 2..]),
        None => (unsigned, &b""[..]),
    };
    let header = String::from_utf8_lossy(header);
    let mut object = None;
    let mut kind = String::new();
    let mut tagger = None;
    for line in header.lines() {
        match line.split_once(' ') {
            Some(("object", id)) => object = Oid::from_str(id.trim()).ok(),
            Some(("type", k)) => k.trim().clone_into(&mut kind),
            Some(("tagger", t)) => tagger = parse_person(t),
            _ => {}
        }
    }
    Some(RawTag {
        object: object?,
        kind,
        tagger,
        message: decode(message, None),
    })
}

/// `Name <email> 1700000000 +0100`.
fn parse_person(text: &str) -> Option<(String, String, i64, i32)> {
    let open = text.find('<')?;
    let close = text.rfind('>')?;
    if close < open {
        return None;
    }
    let name = text[..open].trim().to_owned();
    let email = text[open + 1..close].trim().to_owned();
    let mut rest = text[close + 1..].split_whitespace();
    let time = rest.next().and_then(|t| t.parse().ok()).unwrap_or(0);
    let offset = rest.next().map_or(0, parse_offset);
    Some((name, email, time, offset))
}

fn parse_offset(tz: &str) -> i32 {
    let (sign, digits) = match tz.split_at_checked(1) {
        Some(("-", d)) => (-1, d),
        Some(("+", d)) => (1, d),
        _ => (1, tz),
    };
    let value: i32 = digits.parse().unwrap_or(0);
    sign * (value / 100 * 60 + value % 100)
}

/// Follows nested tags to the commit they name.
pub(in crate::history) fn peel(odb: &git2::Odb<'_>, mut id: Oid, mut kind: String) -> Option<Oid> {
    for _ in 0..MAX_NESTING {
        match kind.as_str() {
            "commit" => return Some(id),
            "tag" => {
                let object = odb.read(id).ok()?;
                let inner = parse(object.data())?;
                id = inner.object;
                kind = inner.kind;
            }
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagger_lines() {
        assert_eq!(
            parse_person("Jane Doe <jane@x> 1700000000 -0130"),
            Some((
                "Jane Doe".to_owned(),
                "jane@x".to_owned(),
                1_700_000_000,
                -90
            ))
        );
        assert_eq!(parse_person("broken"), None);
    }
}
