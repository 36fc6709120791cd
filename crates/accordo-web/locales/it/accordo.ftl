# accordo — italiano. Il catalogo italiano: ogni messaggio che manca qui viene mostrato in inglese,
# messaggio per messaggio, dal catalogo di riferimento. Mantenere gli id nello stesso ordine in ogni file.

## Elementi comuni a ogni pagina
brand-owner = Partenariato per la migrazione · Piattaforma operativa condivisa
brand-tagline = La piattaforma operativa condivisa del partenariato
skip-to-content = Vai al contenuto principale
table-region = Tabella (scorre di lato)
chart-region = Grafico (scorre di lato)
nav-label = Navigazione principale
nav-open = Apri il menu
nav-close = Chiudi il menu
nav-home = Home
nav-admin = Amministrazione
nav-audit = Registro di audit
nav-account = Il mio account
language-menu = Lingua
sign-out = Esci
footer-times = Gli orari sono indicati nel fuso orario { $tz }
footer-api = API (OpenAPI)
breadcrumb = Percorso di navigazione
save = Salva
yes = Sì
no = No
actions = Azioni

## Ruoli
role-admin = Amministratore
role-analyst = Analista
role-officer = Agente
role-caseworker = Istruttore della pratica
role-partner_authority = Autorità partner
role-monitor = Osservatore indipendente
role-employer = Datore di lavoro

## Accesso
sign-in-title = Accedi
sign-in-username = Nome utente
sign-in-password = Password
sign-in-totp = Codice di sicurezza
sign-in-totp-help = Il codice di 6 cifre mostrato dall'app di autenticazione, se per l'account è attivo il secondo fattore di autenticazione.
sign-in-submit = Accedi
sign-in-why-session_ended = La sessione è terminata. Accedi di nuovo per continuare.
sign-in-why-signed_out = Uscita effettuata correttamente.
sign-in-why-disabled = Questo account è disattivato. Rivolgiti all'amministratore dell'ente di appartenenza.
sign-in-error-credentials = Nome utente o password non corretti.
sign-in-error-totp-required = Inserisci il codice di sicurezza mostrato dall'app di autenticazione.
sign-in-error-totp-invalid = Il codice di sicurezza non è corretto o è scaduto. Inserisci il codice attuale.
sign-in-error-totp-enrolment = Il tuo ruolo richiede un secondo fattore e questo account non ne ha ancora uno. Chiedi all'amministratore di reimpostare la password: lo registrerai accedendo con quella temporanea.
sign-in-error-disabled = Questo account è disattivato. Rivolgiti all'amministratore dell'ente di appartenenza.
sign-in-error-throttled = Troppi tentativi non riusciti. Attendi qualche minuto e riprova.
sign-in-demo-title = Account dimostrativi
sign-in-demo-body = Questa è una versione dimostrativa con dati sintetici. Tutti gli account seguenti usano la password

## Pagina iniziale
home-title = Home
home-greeting = Ti diamo il benvenuto, { $name }
home-you-are = { $agency } ·
home-notifications = Notifiche
home-unread = Non lette
home-no-notifications = Nessuna novità.
home-mark-read = Segna come letta
home-marked-read = Notifica segnata come letta.
home-admin = Amministrazione
home-users = Utenti
home-users-disabled = Disattivati
home-users-without-factor = Senza secondo fattore di autenticazione
home-agencies = Enti
home-audit = Registro di audit
home-audit-recent = Registrazioni nelle ultime 24 ore
home-account = Il mio account
home-sessions = Sessioni aperte
home-second-factor = Secondo fattore di autenticazione configurato

## Il mio account
account-title = Il mio account
account-preferences = Lingua e fuso orario
account-language = Lingua
account-time-zone = Fuso orario
account-preferences-saved = Preferenze salvate.
account-password = Password
account-current-password = Password attuale
account-new-password = Nuova password
account-password-rule = Almeno 12 caratteri; non deve contenere il nome utente.
account-confirm-password = Conferma la nuova password
account-change-password = Cambia password
account-password-mismatch = Le due nuove password non coincidono.
account-password-changed = Password modificata.
account-must-change-password = Prima di proseguire, scegli una nuova password: quella attuale è stata impostata da un amministratore.
account-second-factor = Secondo fattore di autenticazione
account-totp-on = Il secondo fattore di autenticazione è configurato. All'accesso viene richiesto il relativo codice.
account-totp-off = Nessun secondo fattore di autenticazione configurato.
account-totp-start = Configura il secondo fattore di autenticazione
account-totp-replace = Sostituisci il secondo fattore di autenticazione
account-totp-scan = Aggiungi questa chiave all'app di autenticazione (digitandola oppure aprendo sul telefono il link qui sotto), poi inserisci il codice che viene mostrato.
account-totp-uri = Link per l'app di autenticazione
account-totp-code = Codice generato dall'app
account-totp-confirm = Conferma
account-totp-enrolled = Il secondo fattore di autenticazione è stato configurato.
account-totp-proof = Per attivarlo, conferma la tua identità con la password.
account-totp-proof-replace = Per sostituirlo, conferma la tua identità con la password e un codice di quello attuale.
account-totp-password = La tua password
account-totp-current = Codice del secondo fattore attuale
account-totp-closed = Il tuo ruolo richiede un secondo fattore. Un amministratore reimposta la password; lo attivi al prossimo accesso.
account-sessions = Sessioni
account-tokens = Token API
account-tokens-help = Un token consente a un programma di usare l'API a tuo nome. Viene mostrato una sola volta, al momento della creazione.
account-label = Nome
account-created = Data di creazione
account-last-used = Ultimo utilizzo
account-expires = Scadenza
account-this-session = sessione corrente
account-revoke = Revoca
account-revoked = Revoca effettuata.
account-none = Nessun elemento.
account-token-label = Nome del token
account-token-days = Validità (giorni)
account-token-days-help = Da 1 a 365.
account-token-create = Crea token
account-token-created = Token creato
account-token-once = Copialo ora: non verrà più mostrato.

## Amministrazione
admin-title = Amministrazione
admin-users = Utenti
admin-users-search = Cerca tra gli utenti
admin-no-users = Ancora nessun utente.
admin-agencies = Enti
admin-security = Secondo fattore di autenticazione
admin-retention = Conservazione dei dati
admin-agency = Ente
admin-roles = Ruoli
admin-status = Stato
admin-active = Attivo
admin-disabled = Disattivato
admin-no-factor = Senza secondo fattore di autenticazione
admin-factor-on = Secondo fattore di autenticazione
admin-must-change = Cambio password obbligatorio
admin-display-name = Nome e cognome
admin-new-user = Nuovo utente
admin-username-help = Da 3 a 64 caratteri: lettere minuscole, cifre, punto, trattino, trattino basso.
admin-temporary-password = Password temporanea
admin-temporary-password-help = L'utente dovrà sostituirla al primo accesso. Almeno 12 caratteri.
admin-create-user = Crea utente
admin-user-created = Utente creato.
admin-roles-required = Seleziona almeno un ruolo.
admin-roles-saved = Ruoli salvati.
admin-access = Accesso
admin-disable = Disattiva l'account
admin-enable = Attiva l'account
admin-user-disabled = L'account è stato disattivato e le relative sessioni sono state chiuse.
admin-user-enabled = L'account è stato attivato.
admin-revoke-all = Chiudi tutte le sessioni e revoca tutti i token
admin-credentials-revoked = Tutte le sessioni e tutti i token di questo utente sono stati revocati.
admin-reset-password = Reimposta password
admin-password-reset = La password è stata reimpostata; l'utente dovrà cambiarla al prossimo accesso.
admin-credentials = Sessioni e token
admin-kind = Tipo
admin-kind-session = Sessione
admin-kind-token = Token API
admin-code = Codice
admin-code-help = Prefisso del Paese e un nome breve, ad esempio IT-PS.
admin-name = Nome
admin-country = Paese
admin-country-help = Codice ISO 3166 alpha-3, ad esempio ITA; lascia vuoto per un organismo internazionale.
admin-international = Internazionale
admin-mandate = Mandato
admin-mandate-help = Per un osservatore: i tipi di record che monitora, separati da virgole.
admin-agency-roles = Ruoli che i suoi utenti possono avere
admin-agency-roles-help = Un ente ha sempre il proprio amministratore. Concedere solo ciò che l'ente fa: qui un ministero diventa autorità di riammissione.
admin-roles-not-own = Non puoi modificare i tuoi ruoli; può farlo un altro amministratore.
admin-roles-of-agency = Sono proposti solo i ruoli dell'ente { $agency }.
admin-own-password = La tua password si cambia nella pagina del tuo account.
admin-own-sessions = Le tue sessioni e i tuoi token sono nella pagina del tuo account.
admin-operator = gestore
admin-new-agency = Nuovo ente
admin-create-agency = Crea ente
admin-agency-created = Ente creato.
admin-security-help = Gli utenti con questi ruoli devono configurare un secondo fattore di autenticazione (un'app di autenticazione) per poter accedere.
admin-security-legend = Ruoli che richiedono il secondo fattore di autenticazione
admin-security-saved = La regola sul secondo fattore di autenticazione è stata salvata.
admin-retention-help = Per quanto tempo ciascun tipo di record viene conservato prima di essere cancellato o anonimizzato. Ogni modifica viene annotata nel registro di audit.
admin-retention-action = Alla scadenza
admin-retention-days = Conservazione (giorni)
admin-retention-bounds = Intervallo consentito
admin-retention-default = predefinito: { $days }
admin-retention-saved = Periodi di conservazione salvati.
admin-retention-out-of-range = Valore fuori dall'intervallo consentito per questo tipo.

## Registro di audit
audit-title = Registro di audit
audit-help = Ogni modifica e ogni consultazione dei dati di una persona, in ordine cronologico. Cerca per utente, azione o periodo; anche la ricerca viene registrata.
audit-actor = Utente
audit-action = Azione
audit-kind = Tipo di record
audit-resource = Record
audit-from = Dal (data)
audit-to = Al (data, inclusa)
audit-search = Cerca
audit-results = { $count ->
    [one] Una registrazione
   *[other] { $count } registrazioni
}
audit-when = Data e ora
audit-details = Dettagli
audit-erased = dati cancellati alla scadenza del periodo di conservazione
audit-none = Nessuna registrazione corrisponde ai criteri di ricerca.
audit-older = Registrazioni meno recenti
audit-export-csv = Esporta CSV
audit-export-jsonl = Esporta JSON Lines

## Errori
error-summary-title = Correggi i seguenti errori
error-required = Questo campo è obbligatorio.
error-whole-number = Inserisci un numero intero.
error-date = Inserisci una data nel formato AAAA-MM-GG (ad esempio 2026-11-23).
error-go-home = Vai alla pagina iniziale
error-status = Codice di stato { $status }
error-csrf-title = Il modulo è scaduto
error-csrf-body = Non è stato possibile verificare che il modulo provenga da questo sito (il token di sicurezza manca o non è più valido). Nessun dato è stato salvato. Torna indietro, ricarica la pagina e riprova.
error-not-found-title = Pagina non trovata
error-not-found-body = La pagina non esiste oppure non hai l'autorizzazione per visualizzarla.
error-forbidden-title = Operazione non consentita
error-forbidden-body = Il ruolo assegnato non consente questa operazione.
error-session-title = Accedi di nuovo
error-session-body = La sessione è terminata.
error-invalid-title = Impossibile completare l'operazione
error-invalid-body = La richiesta è stata respinta dalle regole della piattaforma. Nessun dato è stato salvato.
error-unavailable-title = Servizio temporaneamente non disponibile
error-unavailable-body = La piattaforma non riesce a raggiungere il proprio database. Nessun dato è stato salvato. Riprova tra qualche istante.
error-too-large-title = Troppi dati
error-too-large-body = Il modulo ha inviato più dati di quanti la piattaforma ne accetti. Nessun dato è stato salvato.

deadline-days-left = { $days ->
    [0] scade oggi
    [one] manca 1 giorno
   *[other] mancano { $days } giorni
}
error-number = Scrivi un numero.
deadline-days-overdue = { $days ->
    [one] scaduta da 1 giorno
   *[other] scaduta da { $days } giorni
}
sign-in-enrol-now = Aggiungi la chiave qui sotto alla tua app di autenticazione, poi scrivi di nuovo la password e il codice dell'app.
sign-in-enrol-title = Il tuo ruolo richiede un secondo fattore
sign-in-enrol-body = Aggiungi questa chiave a un'app di autenticazione (o apri il link sul telefono che la ospita). La chiave resta la stessa finché non la confermi con un codice.
audit-period-reversed = Il periodo finisce prima di cominciare: la seconda data deve venire dopo la prima.

## Il componente elenco (ricerca, filtri, ordinamento, pagine, CSV)
list-apply = Applica
list-clear = Azzera
list-csv = Scarica CSV
list-count = { $shown } di { $all }
list-nothing-matches = Nessun risultato per la ricerca e i filtri scelti.
list-pages = Pagine
list-previous = Precedente
list-next = Successiva
list-page-of = Pagina { $page } di { $pages }
list-all = Tutti

# Conservazione: che cosa è ciascun tipo di dato e che cosa accade alla fine del periodo.
retention-audit_details = Dettagli delle voci del registro di audit (possono nominare persone); le voci e la loro catena restano
retention-session = Sessioni del browser terminate (scadute o chiuse)
retention-api_token = Token API scaduti o revocati
retention-notification = Notifiche ad agenzie e utenti
admin-retention-action-erase = Cancellati
admin-retention-action-anonymise = Anonimizzati

# Un valore rifiutato, per codice (l'API conserva le parole inglesi).
error-password-too-short = Almeno { $min } caratteri.
error-password-has-username = La password non deve contenere il nome utente.
error-password-unchanged = La nuova password deve essere diversa da quella attuale.
error-password-not-current = Questa non è la tua password attuale.
error-empty = Questo campo non può essere vuoto.
error-text-length = Da 1 a { $max } caratteri.
error-username-form = Da 3 a 64 caratteri a-z, 0-9, '.', '_' o '-', che inizino con una lettera.
error-roles-none = Serve almeno un ruolo.
error-roles-operator = L'agenzia che gestisce la piattaforma ha tutti i ruoli.
error-disable-self = Non puoi disattivare il tuo account.
error-reset-self = Non puoi reimpostare la tua password: cambiala dalla pagina del tuo account, con quella attuale.
error-totp-code-needed = Serve un codice del tuo secondo fattore attuale.
error-totp-code-wrong = Il codice non corrisponde al tuo secondo fattore attuale.
error-totp-none = Il tuo ruolo richiede un secondo fattore e non ne hai uno: un amministratore reimposta la password e lo configuri al prossimo accesso.
error-totp-code-used = Questo codice è già stato usato: attendi il prossimo.
error-totp-no-enrolment = Nessuna registrazione in corso: avviane prima una.
error-totp-enrol-wrong = Il codice non corrisponde: controlla l'orologio dell'app di autenticazione e prova il codice successivo.
error-token-label = Da 1 a 100 caratteri.
error-token-days = Tra 1 e { $max } giorni.
# Il dettaglio della pagina di errore: che cosa è stato rifiutato, con il suo codice accanto.
error-invalid-value = Un valore non è stato accettato.
error-denied-read = Nessuno dei tuoi ruoli consente di leggere dati di questo tipo.
error-denied-create = Nessuno dei tuoi ruoli consente di creare dati di questo tipo.
error-denied-update = Nessuno dei tuoi ruoli consente di modificare dati di questo tipo.
error-denied-delete = Nessuno dei tuoi ruoli consente di eliminare dati di questo tipo.
error-denied-export = Nessuno dei tuoi ruoli consente di esportare dati di questo tipo.
error-denied-reach = Questo dato non rientra nel tuo ambito.
error-conflict = Esiste già.
error-render-title = Non è stato possibile mostrare questa pagina
error-render-body = Qualcosa non ha funzionato da parte nostra; è stato registrato. Se avevi inviato un modulo, controlla se è stato salvato prima di inviarlo di nuovo.
admin-agencies-search = Cerca per codice, nome o Paese
admin-no-agencies = Nessuna agenzia corrisponde.
admin-national = Nazionale
list-sort-by = Ordina per:
list-ascending = crescente
list-descending = decrescente
error-country = Un Paese con il suo codice ISO 3166-1 alpha-3 (PAK, TUN, ITA).
error-addressees-needed = AMBER richiede almeno un destinatario (un'agenzia, o un Paese per AMBER).
error-addressees-strict = AMBER+STRICT va ad agenzie nominate, non a Paesi.
error-handling-label = Atteso un codice TLP 2.0: CLEAR, GREEN, AMBER, AMBER+STRICT o RED.
error-addressee = { $given }: indica il codice di un'agenzia (PK-FIA) o un Paese come country:ISO3 (country:PAK).
error-no-agency = Non esiste l'agenzia { $code }.
country-code-help = Codice ISO 3166 alpha-3, ad esempio PAK.
