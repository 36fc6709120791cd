## Il pilastro intelligence: messaggi, casi, riscontri.

intel-notice-message = Messaggio da { $agency } ({ $tlp })
intel-notice-message-body = Vi è stato indirizzato un messaggio con classificazione TLP:{ $tlp }.
intel-notice-case = Caso aperto da { $agency }
intel-notice-case-body = { $title }
intel-notice-hit = Riscontro con { $agency } ({ $tlp })
intel-notice-hit-body = Il vostro dato ({ $kind }) { $key } compare anche in un atto di { $agency }.

## Rifiuti (l'API li dice in inglese con gli stessi codici).

intel-error-subject = Indicare un oggetto da 1 a { $max } caratteri.
intel-error-body = Indicare un testo da 1 a { $max } caratteri.
intel-error-reliability = Scegliere l'affidabilità della fonte: A, B, C o X.
intel-error-credibility = Scegliere l'attendibilità dell'informazione: 1, 2, 3 o 4.
intel-error-entity-kind = { $given } non è un tipo di entità.
intel-error-entities-max = Al massimo { $max } entità.
intel-error-agency-code = { $given }: indicare il codice di un'agenzia del partenariato (PK-FIA).
intel-error-message-addressees = Un messaggio va ad almeno un'agenzia.
intel-error-too-many-addressees = Al massimo { $max } agenzie.
intel-error-recipients-needed = RED va a utenti nominati: indicarne i nomi utente.
intel-error-recipient = { $given } non è un utente attivo di un'agenzia destinataria.
intel-error-recipients-not-red = I destinatari nominativi sono per RED; con le altre classificazioni leggono le agenzie destinatarie.
intel-error-reply-case = Una risposta appartiene al caso del messaggio cui risponde.
intel-error-reply-unknown = Non esiste un messaggio simile che possiate leggere.
intel-error-case-closed = Il caso è chiuso.
intel-error-case-unknown = Non esiste un caso simile che possiate leggere.
intel-error-addressee-not-in-case = { $agency } non partecipa a questo caso.
intel-error-title = Indicare un titolo da 1 a { $max } caratteri.
