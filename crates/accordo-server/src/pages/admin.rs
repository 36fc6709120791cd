//! Administration: agencies, users (create, disable, roles, password reset, credentials),
//! API tokens, the second-factor rule per role, and retention periods.
//!
//! Every action is a service call that asks `can`: an agency's admin sees and changes its
//! own agency's users; the operator's admin, every agency's.

use crate::extract::{Path, Query};
use std::collections::BTreeMap;

use accordo_domain::Role;
use accordo_service::accounts::{self, NewAccount, NewAgency};
use accordo_service::{ServiceError, auth, retention};
use accordo_store::auth::CredentialKind;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use minijinja::{Value, context};
use serde::Serialize;
use uuid::Uuid;

use super::{
    Chrome, Fields, FormErrors, SignedForm, Viewer, done, error_page, render, viewer_error_page,
};
use crate::AppState;
use crate::extract::cookie;
use crate::pages::PageRoutes;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/admin", |_: Viewer| async {
            axum::response::Redirect::to("/admin/users")
        })
        .get("/admin/users", users)
        .post("/admin/users", create_user)
        .get("/admin/users/{id}", user)
        .post("/admin/users/{id}/disable", disable)
        .post("/admin/users/{id}/enable", enable)
        .post("/admin/users/{id}/roles", set_roles)
        .post("/admin/users/{id}/reset-password", reset_password)
        .post("/admin/users/{id}/revoke-credentials", revoke_all)
        .post("/admin/credentials/{kind}/{id}/revoke", revoke_one)
        .get("/admin/agencies", agencies)
        .post("/admin/agencies", create_agency)
        .post("/admin/agencies/{code}/roles", set_agency_roles)
        .get("/admin/security", security)
        .post("/admin/security", set_second_factor)
        .get("/admin/retention", retention_page)
        .post("/admin/retention", set_retention)
}

/// An admin page: the tabs and the reader's chrome around `template`.
async fn admin_page(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    path: &str,
    template: &str,
    status: StatusCode,
    page: Value,
) -> Response {
    let chrome = Chrome {
        lang: &viewer.lang,
        tz: viewer.tz(),
        path,
        viewer: Some(viewer),
        flash: headers.and_then(|h| cookie(h, super::FLASH_COOKIE).map(str::to_owned)),
    };
    let operator = viewer.ctx.actor.operator;
    render(
        state,
        &chrome,
        status,
        template,
        context! { operator => operator, ..page },
    )
}

fn role_names() -> Vec<&'static str> {
    Role::ALL.iter().map(|r| r.as_str()).collect()
}

// --- users ---

/// The administrator's list of users (the list component).
fn users_list() -> super::list::Spec<accounts::UserView> {
    use super::list::{Column, Filter, Key, Spec};
    let all = || (String::new(), "list-all".to_owned());
    Spec {
        path: "/admin/users",
        columns: vec![
            Column {
                key: "username",
                label: "sign-in-username",
                sort: Some(|u| Some(Key::Text(u.username.clone()))),
            },
            Column {
                key: "name",
                label: "admin-display-name",
                sort: Some(|u| Some(Key::Text(u.display_name.to_lowercase()))),
            },
            Column {
                key: "agency",
                label: "admin-agency",
                sort: Some(|u| Some(Key::Text(u.agency.clone()))),
            },
            Column {
                key: "roles",
                label: "admin-roles",
                sort: None,
            },
            Column {
                key: "status",
                label: "admin-status",
                sort: Some(|u| Some(Key::Number(i64::from(u.disabled)))),
            },
        ],
        default_sort: ("username", false),
        search: |u| format!("{} {} {}", u.username, u.display_name, u.agency),
        filters: vec![
            Filter {
                key: "role",
                label: "admin-roles",
                choices: std::iter::once(all())
                    .chain(
                        role_names()
                            .into_iter()
                            .map(|r| (r.to_owned(), format!("role-{r}"))),
                    )
                    .collect(),
                narrows: true,
                passes: Box::new(|u, v| u.roles.iter().any(|r| r == v)),
            },
            Filter {
                key: "status",
                label: "admin-status",
                choices: vec![
                    all(),
                    ("active".into(), "admin-active".into()),
                    ("disabled".into(), "admin-disabled".into()),
                    ("no_factor".into(), "admin-no-factor".into()),
                ],
                narrows: true,
                passes: Box::new(|u, v| match v {
                    "active" => !u.disabled,
                    "disabled" => u.disabled,
                    _ => !u.totp_enrolled,
                }),
            },
        ],
        csv_header: &[
            "username",
            "display_name",
            "agency",
            "roles",
            "disabled",
            "second_factor",
        ],
        csv_row: |u| {
            vec![
                u.username.clone(),
                u.display_name.clone(),
                u.agency.clone(),
                u.roles.join(" "),
                u.disabled.to_string(),
                u.totp_enrolled.to_string(),
            ]
        },
    }
}

async fn users_view(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    status: StatusCode,
    params: &super::list::Params,
    values: Option<&Fields>,
    errors: Option<&FormErrors>,
) -> Response {
    let p = &state.platform;
    let listed = async {
        Ok::<_, ServiceError>((
            accounts::list_users(p, &viewer.ctx).await?,
            accounts::list_agencies(p, &viewer.ctx).await?,
        ))
    }
    .await;
    let (users, agencies) = match listed {
        Ok(found) => found,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let users = match users_list().apply(users, params) {
        super::list::Outcome::Page(view) => view,
        super::list::Outcome::Csv(csv) => return csv,
    };
    // An agency's admin creates users in its own agency; the operator's, in any.
    let own = viewer.ctx.actor.agency.to_string();
    let offered: Vec<&str> = if viewer.ctx.actor.operator {
        role_names()
    } else {
        // An agency's admin grants only the roles its agency holds.
        let held = agencies.iter().find(|a| a.code == own).map(|a| &a.roles);
        role_names()
            .into_iter()
            .filter(|r| held.is_some_and(|h| h.iter().any(|x| x == r)))
            .collect()
    };
    let agencies: Vec<Value> = agencies
        .iter()
        .filter(|a| viewer.ctx.actor.operator || a.code == own)
        .map(|a| context! { code => a.code, name => a.name, roles => a.roles })
        .collect();
    let chosen_roles: Vec<String> = values
        .map(|f| f.all("roles").into_iter().map(str::to_owned).collect())
        .unwrap_or_default();
    admin_page(
        state,
        viewer,
        headers,
        "/admin/users",
        "admin/users.html",
        status,
        context! {
            users => users,
            agencies => agencies,
            own_agency => own,
            all_roles => offered,
            values => values.map(Fields::kept),
            chosen_roles => chosen_roles,
            errors => errors.map(|e| &e.by_field),
        },
    )
    .await
}

async fn users(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<super::list::Params>,
) -> Response {
    users_view(
        &state,
        &viewer,
        Some(&headers),
        StatusCode::OK,
        &params,
        None,
        None,
    )
    .await
}

async fn create_user(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(f, &["username", "display_name", "agency", "password"]);
    let roles: Vec<String> = f.all("roles").into_iter().map(str::to_owned).collect();
    if roles.is_empty() {
        errors.add("roles", "admin-roles-required");
    }
    let new = NewAccount {
        username: f.get("username").to_owned(),
        display_name: f.get("display_name").to_owned(),
        agency: f.get("agency").to_owned(),
        roles,
        password: f.raw("password").to_owned(),
        must_change_password: true,
    };
    // Every mistake at once, beside the fields found empty (a field keeps its first error).
    errors.add_refusals(
        &state,
        &v.lang,
        &accounts::user_refusals(&new),
        "username",
        str::to_owned,
    );
    if !errors.is_empty() {
        return users_view(
            &state,
            v,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            &super::list::Params::default(),
            Some(f),
            Some(&errors),
        )
        .await;
    }
    match accounts::create_user(&state.platform, &v.ctx, new).await {
        Ok(created) => done(
            &format!("/admin/users/{}", created.id),
            "admin-user-created",
        ),
        Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "username") {
            Some(errors) => {
                users_view(
                    &state,
                    v,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &super::list::Params::default(),
                    Some(f),
                    Some(&errors),
                )
                .await
            }
            None => viewer_error_page(&state, v, &e),
        },
    }
}

#[derive(Serialize)]
struct CredentialView {
    id: Uuid,
    kind: &'static str,
    label: String,
    created_us: i64,
    expires_us: i64,
    last_used_us: Option<i64>,
}

async fn user_view(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    id: Uuid,
    status: StatusCode,
    errors: Option<&FormErrors>,
) -> Response {
    let p = &state.platform;
    let now = p.now_us();
    let found = async {
        let user = accounts::get_user(p, &viewer.ctx, id).await?;
        let held = accounts::list_agencies(p, &viewer.ctx)
            .await?
            .into_iter()
            .find(|a| a.code == user.agency)
            .map(|a| a.roles)
            .unwrap_or_default();
        let mut credentials = Vec::new();
        for (kind, name) in [
            (CredentialKind::Session, "session"),
            (CredentialKind::Token, "token"),
        ] {
            for c in auth::list_for_user(p, &viewer.ctx, kind, id).await? {
                if c.revoked_at.is_none() && c.expires_at > now {
                    credentials.push(CredentialView {
                        id: c.id,
                        kind: name,
                        label: c.label,
                        created_us: c.created_at,
                        expires_us: c.expires_at,
                        last_used_us: c.last_used_at,
                    });
                }
            }
        }
        Ok::<_, ServiceError>((user, held, credentials))
    }
    .await;
    let (user, held, credentials) = match found {
        Ok(found) => found,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let itself = user.id == viewer.ctx.actor.user_id;
    admin_page(
        state,
        viewer,
        headers,
        "/admin/users",
        "admin/user.html",
        status,
        context! {
            account => user,
            itself => itself,
            credentials => credentials,
            // The roles its agency holds, and any it holds beyond them (to be taken away).
            all_roles => role_names()
                .into_iter()
                .filter(|r| held.iter().any(|h| h == r) || user.roles.iter().any(|u| u == r))
                .collect::<Vec<_>>(),
            errors => errors.map(|e| &e.by_field),
        },
    )
    .await
}

async fn user(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Response {
    user_view(&state, &viewer, Some(&headers), id, StatusCode::OK, None).await
}

/// After a change to a user: back to its page with a message, or its page with the error.
async fn user_changed(
    state: &AppState,
    form: &SignedForm,
    id: Uuid,
    result: Result<(), ServiceError>,
    flash: &str,
    default_field: &str,
) -> Response {
    match result {
        Ok(()) => done(&format!("/admin/users/{id}"), flash),
        Err(e) => match FormErrors::from_service(state, &form.viewer.lang, &e, default_field) {
            Some(errors) => {
                user_view(
                    state,
                    &form.viewer,
                    None,
                    id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(&errors),
                )
                .await
            }
            None => viewer_error_page(state, &form.viewer, &e),
        },
    }
}

async fn disable(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    let r = accounts::set_disabled(&state.platform, &form.viewer.ctx, id, true)
        .await
        .map(drop);
    user_changed(&state, &form, id, r, "admin-user-disabled", "disabled").await
}

async fn enable(State(state): State<AppState>, Path(id): Path<Uuid>, form: SignedForm) -> Response {
    let r = accounts::set_disabled(&state.platform, &form.viewer.ctx, id, false)
        .await
        .map(drop);
    user_changed(&state, &form, id, r, "admin-user-enabled", "disabled").await
}

async fn set_roles(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    let roles: Vec<String> = form
        .fields
        .all("roles")
        .into_iter()
        .map(str::to_owned)
        .collect();
    if roles.is_empty() {
        let mut errors = FormErrors::default();
        errors.add("roles", "admin-roles-required");
        return user_view(
            &state,
            &form.viewer,
            None,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&errors),
        )
        .await;
    }
    let r = accounts::set_roles(&state.platform, &form.viewer.ctx, id, &roles)
        .await
        .map(drop);
    user_changed(&state, &form, id, r, "admin-roles-saved", "roles").await
}

async fn reset_password(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    let temporary = form.fields.raw("password");
    if temporary.is_empty() {
        let mut errors = FormErrors::default();
        errors.add("password", "error-required");
        return user_view(
            &state,
            &form.viewer,
            None,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&errors),
        )
        .await;
    }
    let r = accounts::reset_password(&state.platform, &form.viewer.ctx, id, temporary).await;
    user_changed(&state, &form, id, r, "admin-password-reset", "password").await
}

async fn revoke_all(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    form: SignedForm,
) -> Response {
    let r = accounts::revoke_all(&state.platform, &form.viewer.ctx, id)
        .await
        .map(drop);
    user_changed(
        &state,
        &form,
        id,
        r,
        "admin-credentials-revoked",
        "credentials",
    )
    .await
}

async fn revoke_one(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, Uuid)>,
    form: SignedForm,
) -> Response {
    let kind = match kind.as_str() {
        "session" => CredentialKind::Session,
        "token" => CredentialKind::Token,
        _ => {
            return error_page(
                &state,
                &form.viewer.lang,
                &ServiceError::not_found("credential", id),
            );
        }
    };
    let back = form.fields.get("user");
    match auth::revoke(&state.platform, &form.viewer.ctx, kind, id).await {
        Ok(()) => match back.parse::<Uuid>() {
            Ok(user) => done(&format!("/admin/users/{user}"), "account-revoked"),
            Err(_) => done("/admin/users", "account-revoked"),
        },
        Err(e) => viewer_error_page(&state, &form.viewer, &e),
    }
}

// --- agencies ---

/// The list of agencies (the list component).
fn agencies_list() -> super::list::Spec<accordo_store::accounts::AgencyRow> {
    use super::list::{Column, Filter, Key, Spec};
    let all = || (String::new(), "list-all".to_owned());
    Spec {
        path: "/admin/agencies",
        columns: vec![
            Column {
                key: "code",
                label: "admin-code",
                sort: Some(|a| Some(Key::Text(a.code.clone()))),
            },
            Column {
                key: "name",
                label: "admin-name",
                sort: Some(|a| Some(Key::Text(a.name.to_lowercase()))),
            },
            Column {
                key: "country",
                label: "admin-country",
                sort: Some(|a| a.country.clone().map(Key::Text)),
            },
            Column {
                key: "time_zone",
                label: "account-time-zone",
                sort: Some(|a| Some(Key::Text(a.time_zone.clone()))),
            },
            Column {
                key: "mandate",
                label: "admin-mandate",
                sort: None,
            },
            Column {
                key: "roles",
                label: "admin-agency-roles",
                sort: None,
            },
        ],
        default_sort: ("code", false),
        search: |a| {
            format!(
                "{} {} {}",
                a.code,
                a.name,
                a.country.as_deref().unwrap_or_default()
            )
        },
        filters: vec![
            Filter {
                key: "role",
                label: "admin-agency-roles",
                choices: std::iter::once(all())
                    .chain(
                        role_names()
                            .into_iter()
                            .map(|r| (r.to_owned(), format!("role-{r}"))),
                    )
                    .collect(),
                narrows: true,
                passes: Box::new(|a, v| a.roles.iter().any(|r| r == v)),
            },
            Filter {
                key: "reach",
                label: "admin-country",
                choices: vec![
                    all(),
                    ("national".into(), "admin-national".into()),
                    ("international".into(), "admin-international".into()),
                ],
                narrows: true,
                passes: Box::new(|a, v| (v == "international") == a.country.is_none()),
            },
        ],
        csv_header: &[
            "code",
            "name",
            "country",
            "operator",
            "time_zone",
            "mandate",
            "roles",
        ],
        csv_row: |a| {
            vec![
                a.code.clone(),
                a.name.clone(),
                a.country.clone().unwrap_or_default(),
                a.operator.to_string(),
                a.time_zone.clone(),
                a.mandate.join(" "),
                a.roles.join(" "),
            ]
        },
    }
}

#[allow(clippy::too_many_arguments)]
async fn agencies_view(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    status: StatusCode,
    params: &super::list::Params,
    values: Option<&Fields>,
    errors: Option<&FormErrors>,
    // The agency whose roles form was refused, with what was chosen in it.
    failed_row: Option<(&str, &Fields)>,
) -> Response {
    let agencies = match accounts::list_agencies(&state.platform, &viewer.ctx).await {
        Ok(found) => found,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let rows = match agencies_list().apply(agencies, params) {
        super::list::Outcome::Page(view) => view,
        super::list::Outcome::Csv(csv) => return csv,
    };
    // A refused roles form keeps what was ticked in it.
    let checked: BTreeMap<&str, Vec<&str>> = failed_row
        .map(|(code, fields)| {
            (
                code,
                std::iter::once("admin")
                    .chain(fields.all("roles"))
                    .collect(),
            )
        })
        .into_iter()
        .collect();
    // The new agency's form shows its own errors; a row's error stays beside that row.
    let (row_errors, form_errors): (BTreeMap<_, _>, BTreeMap<_, _>) = errors
        .map(|e| {
            e.by_field
                .iter()
                .partition(|(k, _)| k.starts_with("roles-"))
        })
        .unwrap_or_default();
    admin_page(
        state,
        viewer,
        headers,
        "/admin/agencies",
        "admin/agencies.html",
        status,
        context! {
            agencies => rows,
            checked => checked,
            all_roles => role_names(),
            chosen_roles => values
                .map(|f| f.all("roles").into_iter().map(str::to_owned).collect::<Vec<_>>())
                .unwrap_or_default(),
            zones => accordo_web::time::zone_names(),
            values => values.map(Fields::kept),
            errors => (!form_errors.is_empty()).then_some(form_errors),
            row_errors => row_errors,
        },
    )
    .await
}

async fn agencies(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(params): Query<super::list::Params>,
) -> Response {
    agencies_view(
        &state,
        &viewer,
        Some(&headers),
        StatusCode::OK,
        &params,
        None,
        None,
        None,
    )
    .await
}

async fn create_agency(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let f = &form.fields;
    let mut errors = FormErrors::default();
    errors.require(f, &["code", "name", "time_zone"]);
    if !errors.is_empty() {
        return agencies_view(
            &state,
            v,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            &super::list::Params::default(),
            Some(f),
            Some(&errors),
            None,
        )
        .await;
    }
    let new = NewAgency {
        code: f.get("code").to_owned(),
        name: f.get("name").to_owned(),
        country: Some(f.get("country"))
            .filter(|c| !c.is_empty())
            .map(str::to_owned),
        mandate: f
            .get("mandate")
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect(),
        time_zone: f.get("time_zone").to_owned(),
        roles: f.all("roles").into_iter().map(str::to_owned).collect(),
        operator: false,
    };
    match accounts::create_agency(&state.platform, &v.ctx, new).await {
        Ok(_) => done("/admin/agencies", "admin-agency-created"),
        Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "code") {
            Some(errors) => {
                agencies_view(
                    &state,
                    v,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &super::list::Params::default(),
                    Some(f),
                    Some(&errors),
                    None,
                )
                .await
            }
            None => viewer_error_page(&state, v, &e),
        },
    }
}

async fn set_agency_roles(
    State(state): State<AppState>,
    Path(code): Path<String>,
    form: SignedForm,
) -> Response {
    let v = &form.viewer;
    let roles: Vec<String> = form
        .fields
        .all("roles")
        .into_iter()
        .map(str::to_owned)
        .collect();
    match accounts::set_agency_roles(&state.platform, &v.ctx, &code, &roles).await {
        Ok(_) => done("/admin/agencies", "admin-roles-saved"),
        Err(e) => match FormErrors::from_service(&state, &v.lang, &e, "roles") {
            Some(mut errors) => {
                // Shown beside that agency's roles, not the new agency's form.
                if let Some(e) = errors.by_field.remove("roles") {
                    errors.by_field.insert(format!("roles-{code}"), e);
                }
                // The list narrowed to the agency whose form was refused, so that its
                // row (and the reason beside it) is on the page whatever the list's length.
                let only = super::list::Params {
                    q: code.clone(),
                    ..Default::default()
                };
                agencies_view(
                    &state,
                    v,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &only,
                    None,
                    Some(&errors),
                    Some((code.as_str(), &form.fields)),
                )
                .await
            }
            None => viewer_error_page(&state, v, &e),
        },
    }
}

// --- security: the second factor per role ---

async fn security(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> Response {
    let rules = match auth::totp_policy(&state.platform, &viewer.ctx).await {
        Ok(rules) => rules,
        Err(e) => return viewer_error_page(&state, &viewer, &e),
    };
    let rules: Vec<Value> = rules
        .iter()
        .map(|(role, required)| context! { role => role.as_str(), required => required })
        .collect();
    admin_page(
        &state,
        &viewer,
        Some(&headers),
        "/admin/security",
        "admin/security.html",
        StatusCode::OK,
        context! { rules => rules },
    )
    .await
}

async fn set_second_factor(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let required = form.fields.all("required");
    for role in Role::ALL {
        let wanted = required.contains(&role.as_str());
        if let Err(e) =
            accounts::set_totp_required(&state.platform, &v.ctx, role.as_str(), wanted).await
        {
            return viewer_error_page(&state, v, &e);
        }
    }
    done("/admin/security", "admin-security-saved")
}

// --- retention ---

async fn retention_view(
    state: &AppState,
    viewer: &Viewer,
    headers: Option<&HeaderMap>,
    status: StatusCode,
    errors: Option<&FormErrors>,
) -> Response {
    let settings = match retention::settings(&state.platform, &viewer.ctx).await {
        Ok(s) => s,
        Err(e) => return viewer_error_page(state, viewer, &e),
    };
    let rows: Vec<Value> = settings
        .iter()
        .map(|s| {
            // The description in the reader's language: `retention-<kind>` of the platform's
            // catalogue or `<module>-retention-<kind>` of the module's that declares it.
            let description =
                crate::pages::catalogue_text(state, &viewer.lang, &format!("retention-{}", s.kind))
                    .unwrap_or_else(|| s.description.to_owned());
            context! {
                kind => s.kind, description => description, keep_days => s.keep_days,
                default_days => s.default_days, min_days => s.min_days, max_days => s.max_days,
                action => format!("{:?}", s.action).to_lowercase(),
            }
        })
        .collect();
    admin_page(
        state,
        viewer,
        headers,
        "/admin/retention",
        "admin/retention.html",
        status,
        context! { settings => rows, errors => errors.map(|e| &e.by_field) },
    )
    .await
}

async fn retention_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Response {
    retention_view(&state, &viewer, Some(&headers), StatusCode::OK, None).await
}

/// Saves every period of the form in turn; the first refused one is shown next to its
/// field (each period is its own audited change; none is half-written).
async fn set_retention(State(state): State<AppState>, form: SignedForm) -> Response {
    let v = &form.viewer;
    let current = match retention::settings(&state.platform, &v.ctx).await {
        Ok(s) => s,
        Err(e) => return viewer_error_page(&state, v, &e),
    };
    let mut errors = FormErrors::default();
    let mut wanted = Vec::new();
    for s in &current {
        let field = format!("days_{}", s.kind);
        match form.fields.get(&field).parse::<i64>() {
            // Checked for every period before any is saved, so none is half-written.
            Ok(days) if days < i64::from(s.min_days) || days > i64::from(s.max_days) => {
                errors.add(&field, "admin-retention-out-of-range");
            }
            Ok(days) => wanted.push((s.kind, days, field)),
            Err(_) => errors.add(&field, "error-whole-number"),
        }
    }
    if errors.is_empty() {
        for (kind, days, field) in &wanted {
            let unchanged = current
                .iter()
                .any(|s| s.kind == *kind && i64::from(s.keep_days) == *days);
            if unchanged {
                continue;
            }
            if let Err(e) = retention::set_period(&state.platform, &v.ctx, kind, *days).await {
                match FormErrors::from_service(&state, &v.lang, &e, field) {
                    Some(found) => {
                        for (_, err) in found.by_field {
                            errors.by_field.insert(field.clone(), err);
                        }
                    }
                    None => return viewer_error_page(&state, v, &e),
                }
            }
        }
    }
    if errors.is_empty() {
        done("/admin/retention", "admin-retention-saved")
    } else {
        retention_view(
            &state,
            v,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&errors),
        )
        .await
    }
}
