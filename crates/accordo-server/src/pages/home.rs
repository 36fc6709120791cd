//! The home page: for the reader's roles, what each module holds now that concerns them.
//!
//! Each module contributes cards through [`cards`]: counts that link to its pages, its latest
//! items and its deadlines. A module whose collection the reader may not read contributes
//! nothing (the services refuse, and the card is left out).

use crate::extract::Path;
use accordo_domain::Role;
use accordo_service::{accounts, audit, auth, notifications};
use accordo_store::auth::CredentialKind;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use minijinja::context;
use serde::Serialize;
use uuid::Uuid;

use super::{SignedForm, Viewer, done, page, viewer_error_page};
use crate::AppState;
use crate::pages::PageRoutes;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/home", home)
        .post("/notifications/{id}/read", mark_read)
}

/// A card of the home page.
#[derive(Debug, Default, Serialize)]
pub struct Card {
    /// Stable name, for tests and styling.
    pub id: &'static str,
    /// Catalogue id of its title.
    pub title: &'static str,
    pub icon: &'static str,
    pub href: Option<&'static str>,
    pub counts: Vec<Count>,
    pub items: Vec<Item>,
    /// Catalogue id of what to say when there are no items.
    pub empty: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Count {
    pub label: &'static str,
    pub value: i64,
    /// A catalogue id shown instead of the number (a yes/no state).
    pub text: Option<&'static str>,
    pub href: Option<String>,
    /// Draws the eye: something needs doing.
    pub warn: bool,
}

#[derive(Debug, Serialize)]
pub struct Item {
    pub id: String,
    pub title: String,
    pub body: String,
    /// When it happened (0: no moment to show, e.g. a month's figure).
    pub at_us: i64,
    pub href: Option<String>,
    /// The item can be marked as read from the card.
    pub can_mark_read: bool,
}

/// The cards for a reader, in the order they show: the notifications, each module's, then
/// the platform's.
pub async fn cards(state: &AppState, viewer: &Viewer) -> Vec<Card> {
    let mut cards = Vec::new();
    cards.extend(notifications_card(state, viewer).await);
    for module in state.modules.iter() {
        if let Some(module_cards) = module.cards {
            cards.extend(module_cards(state, viewer).await);
        }
    }
    cards.extend(admin_card(state, viewer).await);
    cards.extend(audit_card(state, viewer).await);
    cards.extend(account_card(state, viewer).await);
    cards
}

async fn notifications_card(state: &AppState, viewer: &Viewer) -> Option<Card> {
    let unread = in_language(
        state,
        &viewer.lang,
        notifications::list(&state.platform, &viewer.ctx, true)
            .await
            .ok()?,
    );
    Some(Card {
        id: "notifications",
        title: "home-notifications",
        icon: "it-mail",
        href: None,
        counts: vec![Count {
            label: "home-unread",
            value: unread.len() as i64,
            href: None,
            warn: !unread.is_empty(),
            text: None,
        }],
        items: unread
            .iter()
            .take(8)
            .map(|n| Item {
                id: n.id.to_string(),
                title: n.title.clone(),
                body: n.body.clone(),
                at_us: n.created_at,
                href: None,
                can_mark_read: true,
            })
            .collect(),
        empty: Some("home-no-notifications"),
    })
}

/// Notifications with their title and body in language `lang`, for those that keep a message
/// of the catalogues (the others keep the words they were written with).
pub fn in_language(
    state: &AppState,
    lang: &str,
    mut list: Vec<accordo_store::notifications::Notification>,
) -> Vec<accordo_store::notifications::Notification> {
    for n in &mut list {
        let Some(message) = n
            .message
            .as_deref()
            .and_then(|m| serde_json::from_str::<serde_json::Value>(m).ok())
        else {
            continue;
        };
        let id = message["id"].as_str().unwrap_or_default().to_owned();
        let args = message["args"].clone();
        let render = |id: String| {
            let kept =
                minijinja::Value::from_serialize(serde_json::json!({"id": id, "args": args}));
            accordo_web::kept_message(&state.web.catalogues, lang, &kept)
        };
        n.title = render(id.clone());
        n.body = render(format!("{id}-body"));
    }
    list
}

async fn admin_card(state: &AppState, viewer: &Viewer) -> Option<Card> {
    if !viewer.ctx.actor.roles.contains(Role::Admin) {
        return None;
    }
    let users = accounts::list_users(&state.platform, &viewer.ctx)
        .await
        .ok()?;
    let disabled = users.iter().filter(|u| u.disabled).count() as i64;
    let without_factor = users
        .iter()
        .filter(|u| !u.disabled && !u.totp_enrolled)
        .count() as i64;
    let agencies = accounts::list_agencies(&state.platform, &viewer.ctx)
        .await
        .map(|a| a.len() as i64)
        .unwrap_or(0);
    Some(Card {
        id: "admin",
        title: "home-admin",
        icon: "it-settings",
        href: Some("/admin/users"),
        counts: vec![
            Count {
                label: "home-users",
                value: users.len() as i64,
                href: Some("/admin/users".into()),
                warn: false,
                text: None,
            },
            Count {
                label: "home-users-disabled",
                value: disabled,
                href: Some("/admin/users".into()),
                warn: false,
                text: None,
            },
            Count {
                label: "home-users-without-factor",
                value: without_factor,
                href: Some("/admin/users".into()),
                warn: without_factor > 0,
                text: None,
            },
            Count {
                label: "home-agencies",
                value: agencies,
                href: Some("/admin/agencies".into()),
                warn: false,
                text: None,
            },
        ],
        ..Card::default()
    })
}

async fn audit_card(state: &AppState, viewer: &Viewer) -> Option<Card> {
    let since = state.platform.now_us() - 24 * 3_600_000_000;
    let recent = audit::recent_count(&state.platform, &viewer.ctx, since, 1000)
        .await
        .ok()?;
    Some(Card {
        id: "audit",
        title: "home-audit",
        icon: "it-search",
        href: Some("/audit"),
        counts: vec![Count {
            label: "home-audit-recent",
            value: recent as i64,
            href: Some("/audit".into()),
            warn: false,
            text: None,
        }],
        ..Card::default()
    })
}

async fn account_card(state: &AppState, viewer: &Viewer) -> Option<Card> {
    let sessions = auth::list_own(&state.platform, &viewer.ctx, CredentialKind::Session)
        .await
        .ok()?;
    let now = state.platform.now_us();
    let live = sessions
        .iter()
        .filter(|s| s.revoked_at.is_none() && s.expires_at > now)
        .count() as i64;
    let factor = i64::from(viewer.auth.user.totp_secret.is_some());
    Some(Card {
        id: "account",
        title: "home-account",
        icon: "it-user",
        href: Some("/account"),
        counts: vec![
            Count {
                label: "home-sessions",
                value: live,
                href: Some("/account#sessions".into()),
                warn: false,
                text: None,
            },
            Count {
                label: "home-second-factor",
                value: factor,
                href: Some("/account#second-factor".into()),
                warn: factor == 0,
                text: Some(if factor == 1 { "yes" } else { "no" }),
            },
        ],
        ..Card::default()
    })
}

async fn home(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> Response {
    let cards = cards(&state, &viewer).await;
    let roles: Vec<&str> = viewer.ctx.actor.roles.iter().map(|r| r.as_str()).collect();
    page(
        &state,
        &viewer,
        &headers,
        "/home",
        "home.html",
        context! { cards => cards, roles => roles },
    )
}

/// Marks a notification read: htmx swaps the item out; without JavaScript, back home.
async fn mark_read(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    form: SignedForm,
) -> Response {
    let v = &form.viewer;
    if let Err(e) = notifications::mark_read(&state.platform, &v.ctx, id).await {
        return viewer_error_page(&state, v, &e);
    }
    if headers.contains_key("hx-request") {
        // The item disappears, and the card's unread count follows (an out-of-band swap).
        let unread = notifications::list(&state.platform, &v.ctx, true)
            .await
            .map_or(0, |n| n.len());
        return format!(
            r#"<dd data-count="home-unread" id="count-notifications-home-unread" hx-swap-oob="true">{unread}</dd>"#
        )
        .into_response();
    }
    done("/home", "home-marked-read")
}
