//! The network behind the messages a reader may read (`accordo_intel::graph`): an entity's
//! neighbours to a depth, the shortest path between two entities, the most connected. Built
//! for each question from the caller's readable messages only, found outward from the entity
//! asked about, one level a query: nothing the caller may not read is a node, an edge or a
//! count, and an entity the caller reads no message of is not found, whether or not it exists.
//! Each answer is an audited read of the messages it drew on (they name people).

use std::collections::{BTreeSet, HashSet};

use accordo_domain::access::Action;
use accordo_intel::graph::{Mentions, Network, Node};
use accordo_intel::relation::Stated;
use accordo_intel::{Kind, check};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use accordo_service::{Ctx, Platform, Result, ServiceError, audit};

use crate::policy;
use crate::store::{self, MentionRow, RelationRow};

/// The deepest neighbourhood one may ask for.
pub const MAX_DEPTH: usize = 3;
/// The depth asked for when none is given.
pub const DEFAULT_DEPTH: usize = 2;
/// The longest path searched for, in edges.
pub const MAX_PATH: usize = 6;
/// The most nodes an answer holds: the nearest are kept, and the answer says it was cut
/// (`truncated`). The network is not grown further once it has more.
pub const MAX_NODES: usize = 300;
/// The most edges an answer holds: those stated by the most messages are kept.
pub const MAX_EDGES: usize = 1_000;
/// Entity rows read for one level at most.
const ROWS_PER_LEVEL: i64 = 5_000;
/// The most connected entities listed.
const TOP: usize = 10;

/// A node as the reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NodeView {
    /// `KIND:KEY` for an entity, `case:ID` for a case.
    pub id: String,
    /// The entity's kind, or `case`.
    pub kind: String,
    /// The entity's normalised key, or the case's title.
    pub label: String,
    /// Edges from the entity asked about.
    pub distance: usize,
    /// Nodes it is joined to, in this network.
    pub degree: usize,
}

/// An edge: `co-occurs` (named in one message), `in-case` (named in a message of the case), or
/// a relation a message states (`uses`, `owns`, `paid-to`, `travelled-with`: from `source`,
/// its subject, to `target`), and how many messages state it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EdgeView {
    pub source: String,
    pub target: String,
    /// The ends' kinds and labels, as their nodes have them.
    pub source_kind: String,
    pub source_label: String,
    pub target_kind: String,
    pub target_label: String,
    pub relation: String,
    pub messages: u32,
}

/// The network around an entity.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GraphView {
    /// The entity asked about, `KIND:KEY`.
    pub center: String,
    pub depth: usize,
    /// Nearest first.
    pub nodes: Vec<NodeView>,
    pub edges: Vec<EdgeView>,
    /// The ids of the entities joined to the most nodes, most first.
    pub most_connected: Vec<String>,
    /// Whether the answer was cut at its limits (`MAX_NODES` nearest nodes, `MAX_EDGES`
    /// edges, or the rows one level may read): more lies beyond it.
    pub truncated: bool,
}

/// The shortest path between two entities, through what the reader may read.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PathView {
    pub from: String,
    pub to: String,
    /// Whether a path of at most `max_length` edges was found.
    pub found: bool,
    pub max_length: usize,
    /// The nodes on the path, in order (both ends included); empty when none was found.
    pub nodes: Vec<NodeView>,
    pub edges: Vec<EdgeView>,
    /// Whether the search stopped at its limits before reaching `max_length`: a path may
    /// exist that it did not see.
    pub truncated: bool,
}

/// A node's id in answers: `KIND:KEY`, or `case:ID`.
pub fn node_id(node: &Node<Uuid>) -> String {
    match node {
        Node::Entity { kind, key } => format!("{}:{key}", kind.as_str()),
        Node::Case(id) => format!("case:{id}"),
    }
}

/// Reads `KIND:VALUE` (the value as an officer would write it: a telephone number without
/// `+` is read in the dialling plan of the caller's agency's country) into its node.
pub fn parse_entity(ctx: &Ctx, field: &str, text: &str) -> Result<Node<Uuid>> {
    parse_entity_in(ctx.actor.country, field, text)
}

/// Reads `KIND:VALUE` into its node, a telephone number without `+` in the dialling plan of
/// `country`; the refusal names `field`.
pub fn parse_entity_in(
    country: Option<accordo_domain::CountryCode>,
    field: &str,
    text: &str,
) -> Result<Node<Uuid>> {
    let Some((kind, value)) = text.split_once(':') else {
        return Err(ServiceError::refused_value(
            field,
            "graph-entity-form",
            vec![],
            "write the entity as KIND:VALUE, e.g. phone:+923001234567".to_owned(),
        ));
    };
    // `Person:` reads as `person:`.
    let kind = Kind::parse(&kind.trim().to_lowercase()).map_err(|e| {
        ServiceError::refused_value(
            field,
            "graph-entity-kind",
            vec![("kind", e.0.clone())],
            format!(
                "{} is not a kind of entity (person, phone, imo, mmsi, vehicle, iban, email, handle, url, document)",
                e.0
            ),
        )
    })?;
    let checked = check(kind, value, country);
    match checked.normalised {
        Some(key) => Ok(Node::Entity { kind, key }),
        None => Err(ServiceError::refused_value(
            field,
            "graph-entity-invalid",
            vec![("kind", kind.as_str().to_owned())],
            format!(
                "{value} is not a valid {}: {}",
                kind.as_str(),
                checked.reason.map(|r| r.to_string()).unwrap_or_default()
            ),
        )),
    }
}

/// The messages the caller reads, found outward from `start` one level a query, until
/// `levels` levels, `MAX_NODES` nodes, or (for a path) `stop` is in the network.
struct Grown {
    network: Network<Uuid>,
    titles: Vec<(Uuid, String)>,
    messages: BTreeSet<Uuid>,
    /// Those of `messages` that another agency sent: their senders see the read.
    others: BTreeSet<Uuid>,
    truncated: bool,
}

async fn grow(
    platform: &Platform,
    ctx: &Ctx,
    start: &Node<Uuid>,
    levels: usize,
    stop: Option<&Node<Uuid>>,
) -> Result<Grown> {
    let scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_MESSAGE)?;
    let case_scope = accordo_domain::scope(&ctx.actor, Action::Read, &policy::INTEL_CASE)?;
    let mut conn = platform.store.read().await?;
    let mut rows: Vec<MentionRow> = Vec::new();
    let mut relations: Vec<RelationRow> = Vec::new();
    let mut titles: Vec<(Uuid, String)> = Vec::new();
    let mut seen_keys: HashSet<(String, String)> = HashSet::new();
    let mut seen_cases: HashSet<Uuid> = HashSet::new();
    let mut frontier_keys: Vec<(String, String)> = Vec::new();
    if let Node::Entity { kind, key } = start {
        frontier_keys.push((kind.as_str().to_owned(), key.clone()));
        seen_keys.insert(frontier_keys[0].clone());
    }
    let mut frontier_cases: Vec<Uuid> = Vec::new();
    let mut seen_messages: HashSet<Uuid> = HashSet::new();
    let mut truncated = false;
    let mut network = Network::default();
    for level in 0..levels {
        if frontier_keys.is_empty() && frontier_cases.is_empty() {
            break;
        }
        let found = store::readable_mentions(
            &mut conn,
            &scope,
            &frontier_keys,
            &frontier_cases,
            ROWS_PER_LEVEL + 1,
        )
        .await?;
        if level == 0 && found.is_empty() {
            return Err(ServiceError::NotFound {
                kind: "intel_entity",
                id: node_id(start),
            });
        }
        if found.len() as i64 > ROWS_PER_LEVEL {
            truncated = true;
        }
        // A message found at an earlier level names this level's keys too: read it once.
        let mut found: Vec<MentionRow> = found
            .into_iter()
            .take(usize::try_from(ROWS_PER_LEVEL).unwrap_or(usize::MAX))
            .collect();
        let fresh: HashSet<Uuid> = found
            .iter()
            .map(|r| r.message_id)
            .filter(|m| !seen_messages.contains(m))
            .collect();
        found.retain(|r| fresh.contains(&r.message_id));
        // What those messages state, read with them.
        let fresh: Vec<Uuid> = fresh.into_iter().collect();
        relations.extend(store::relations(&mut conn, &fresh).await?);
        seen_messages.extend(fresh);
        // A case is a node only for a reader of the case, who alone sees its title.
        let new_cases: Vec<Uuid> = found
            .iter()
            .filter_map(|r| r.case_id)
            .filter(|c| !seen_cases.contains(c))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        seen_cases.extend(new_cases.iter().copied());
        let readable = store::readable_case_titles(&mut conn, &case_scope, &new_cases).await?;
        frontier_cases = readable.iter().map(|(id, _)| *id).collect();
        titles.extend(readable);
        frontier_keys = found
            .iter()
            .map(|r| (r.kind.clone(), r.normalised.clone()))
            .filter(|k| seen_keys.insert(k.clone()))
            .collect();
        rows.extend(found);
        network = network_of(&rows, &relations, &titles);
        if network.node_count() > MAX_NODES {
            truncated = true;
            break;
        }
        if stop.is_some_and(|s| network.contains(s)) {
            break;
        }
    }
    let messages = rows.iter().map(|r| r.message_id).collect();
    let others = rows
        .iter()
        .filter(|r| r.owner_agency != ctx.actor.agency.as_str())
        .map(|r| r.message_id)
        .collect();
    Ok(Grown {
        network,
        titles,
        messages,
        others,
        truncated,
    })
}

/// The network of `rows` and the relations their messages state, with the cases of `titles`
/// only.
fn network_of(
    rows: &[MentionRow],
    relations: &[RelationRow],
    titles: &[(Uuid, String)],
) -> Network<Uuid> {
    let mut messages: Vec<Mentions<Uuid, Uuid>> = Vec::new();
    for r in rows {
        let Ok(kind) = Kind::parse(&r.kind) else {
            continue;
        };
        if messages.last().is_none_or(|m| m.message != r.message_id) {
            messages.push(Mentions {
                message: r.message_id,
                case: r.case_id.filter(|c| titles.iter().any(|(id, _)| id == c)),
                entities: Vec::new(),
                stated: Vec::new(),
            });
        }
        if let Some(m) = messages.last_mut() {
            m.entities.push((kind, r.normalised.clone()));
        }
    }
    for r in relations {
        let (Ok(sk), Ok(ok), Some(stated)) = (
            Kind::parse(&r.subject_kind),
            Kind::parse(&r.object_kind),
            Stated::parse(&r.relation),
        ) else {
            continue;
        };
        if let Some(m) = messages.iter_mut().find(|m| m.message == r.message_id) {
            m.stated.push((
                (sk, r.subject_key.clone()),
                stated,
                (ok, r.object_key.clone()),
            ));
        }
    }
    Network::of(&messages)
}

fn view_of(
    network: &Network<Uuid>,
    titles: &[(Uuid, String)],
    node: &Node<Uuid>,
    distance: usize,
) -> NodeView {
    let (kind, label) = match node {
        Node::Entity { kind, key } => (kind.as_str().to_owned(), key.clone()),
        Node::Case(id) => (
            "case".to_owned(),
            titles
                .iter()
                .find(|(c, _)| c == id)
                .map(|(_, t)| t.clone())
                .unwrap_or_default(),
        ),
    };
    NodeView {
        id: node_id(node),
        kind,
        label,
        distance,
        degree: network.degree(node),
    }
}

fn edges_of(
    network: &Network<Uuid>,
    titles: &[(Uuid, String)],
    nodes: &[Node<Uuid>],
) -> Vec<EdgeView> {
    network
        .edges_among(nodes)
        .into_iter()
        .map(|(a, b, link)| {
            let (ea, eb) = (
                view_of(network, titles, &a, 0),
                view_of(network, titles, &b, 0),
            );
            EdgeView {
                source: ea.id,
                target: eb.id,
                source_kind: ea.kind,
                source_label: ea.label,
                target_kind: eb.kind,
                target_label: eb.label,
                relation: link.relation.as_str().to_owned(),
                messages: link.messages,
            }
        })
        .collect()
}

/// Records that the caller was shown what `messages` name: an audit entry naming them, and a
/// read of each of `others` (another agency's), which its sender sees as a read of its message
/// (as an opening or an export is).
async fn audit_read(
    platform: &Platform,
    ctx: &Ctx,
    what: serde_json::Value,
    messages: &BTreeSet<Uuid>,
    others: &BTreeSet<Uuid>,
) -> Result<()> {
    let mut tx = platform.store.write().await?;
    let others: Vec<Uuid> = others.iter().copied().collect();
    store::record_reads(
        &mut tx,
        &others,
        &ctx.actor.username,
        ctx.actor.agency.as_str(),
        platform.now_us(),
    )
    .await?;
    let mut details = what;
    details["messages"] = json!(messages.iter().map(Uuid::to_string).collect::<Vec<_>>());
    let audited = audit::record(
        platform,
        &mut tx,
        ctx,
        "intel_graph.read",
        policy::INTEL_MESSAGE.kind,
        None,
        details,
    )
    .await?;
    tx.commit(audited).await?;
    Ok(())
}

/// The network within `depth` edges of `entity` (`KIND:VALUE`).
pub async fn neighbourhood(
    platform: &Platform,
    ctx: &Ctx,
    entity: &str,
    depth: Option<usize>,
) -> Result<GraphView> {
    super::messages::may_read(ctx)?;
    let depth = depth.unwrap_or(DEFAULT_DEPTH);
    if !(1..=MAX_DEPTH).contains(&depth) {
        return Err(ServiceError::refused_value(
            "depth",
            "graph-depth",
            vec![("max", MAX_DEPTH.to_string())],
            format!("the depth is from 1 to {MAX_DEPTH}"),
        ));
    }
    let start = parse_entity(ctx, "entity", entity)?;
    let center = node_id(&start);
    let grown = match grow(platform, ctx, &start, depth, None).await {
        Ok(grown) => grown,
        Err(e) => {
            // A search that found nothing is recorded too: who looked for what.
            if matches!(e, ServiceError::NotFound { .. }) {
                audit_read(
                    platform,
                    ctx,
                    json!({"entity": center, "depth": depth, "found": false}),
                    &BTreeSet::new(),
                    &BTreeSet::new(),
                )
                .await?;
            }
            return Err(e);
        }
    };
    let mut within = grown.network.within(&start, depth);
    let mut truncated = grown.truncated;
    if within.len() > MAX_NODES {
        within.truncate(MAX_NODES);
        truncated = true;
    }
    let nodes: Vec<Node<Uuid>> = within.iter().map(|(n, _)| n.clone()).collect();
    let mut edges = edges_of(&grown.network, &grown.titles, &nodes);
    if edges.len() > MAX_EDGES {
        // The links most messages state, in their order otherwise.
        let mut order: Vec<usize> = (0..edges.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(edges[i].messages));
        let mut keep: Vec<usize> = order.into_iter().take(MAX_EDGES).collect();
        keep.sort_unstable();
        edges = keep.into_iter().map(|i| edges[i].clone()).collect();
        truncated = true;
    }
    let view = GraphView {
        center,
        depth,
        nodes: within
            .iter()
            .map(|(n, d)| view_of(&grown.network, &grown.titles, n, *d))
            .collect(),
        edges,
        most_connected: grown
            .network
            .most_connected(TOP)
            .iter()
            .filter(|(n, _)| nodes.contains(n))
            .map(|(n, _)| node_id(n))
            .collect(),
        truncated,
    };
    audit_read(
        platform,
        ctx,
        json!({"entity": view.center, "depth": depth, "found": true}),
        &grown.messages,
        &grown.others,
    )
    .await?;
    Ok(view)
}

/// The shortest path from `from` to `to` (each `KIND:VALUE`) through the caller's readable
/// messages, of at most [`MAX_PATH`] edges.
pub async fn path(platform: &Platform, ctx: &Ctx, from: &str, to: &str) -> Result<PathView> {
    super::messages::may_read(ctx)?;
    let start = parse_entity(ctx, "from", from)?;
    let end = parse_entity(ctx, "to", to)?;
    let asked = json!({"from": node_id(&start), "to": node_id(&end)});
    // The far end must be the caller's to see, like the near one; its messages are shown too
    // (as the path's last steps), so they are audited with the rest.
    let (far, grown) = match grow(platform, ctx, &end, 1, None).await {
        Ok(far) => match grow(platform, ctx, &start, MAX_PATH, Some(&end)).await {
            Ok(grown) => (far, grown),
            Err(e) => return Err(audited_miss(platform, ctx, asked, e, &far.messages).await),
        },
        Err(e) => return Err(audited_miss(platform, ctx, asked, e, &BTreeSet::new()).await),
    };
    // The network grown `MAX_PATH` levels may join them by a longer path: not one this answers.
    let on_path = grown
        .network
        .shortest_path(&start, &end)
        .filter(|p| p.len() <= MAX_PATH + 1)
        .unwrap_or_default();
    let view = PathView {
        from: node_id(&start),
        to: node_id(&end),
        found: !on_path.is_empty(),
        max_length: MAX_PATH,
        nodes: on_path
            .iter()
            .enumerate()
            .map(|(i, n)| view_of(&grown.network, &grown.titles, n, i))
            .collect(),
        edges: on_path
            .windows(2)
            .flat_map(|pair| edges_of(&grown.network, &grown.titles, pair))
            .collect(),
        truncated: on_path.is_empty() && grown.truncated,
    };
    let mut messages = grown.messages;
    messages.extend(far.messages);
    let mut others = grown.others;
    others.extend(far.others);
    audit_read(platform, ctx, asked, &messages, &others).await?;
    Ok(view)
}

/// Records a path search that found one end unknown to the caller, and returns its error.
async fn audited_miss(
    platform: &Platform,
    ctx: &Ctx,
    asked: serde_json::Value,
    error: ServiceError,
    messages: &BTreeSet<Uuid>,
) -> ServiceError {
    if matches!(error, ServiceError::NotFound { .. })
        // Nothing was shown: no message is read.
        && let Err(e) = audit_read(platform, ctx, asked, messages, &BTreeSet::new()).await
    {
        return e;
    }
    error
}
