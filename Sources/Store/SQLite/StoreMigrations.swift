import GRDB

/// The schema, as an append-only list of versioned migrations: a released migration is never
/// edited, a change is a new one.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-accounts-applications-clients-notifications") { db in
            try db.execute(sql: """
                CREATE TABLE accounts (
                    sid TEXT PRIMARY KEY NOT NULL,
                    owner_sid TEXT REFERENCES accounts(sid),
                    friendly_name TEXT NOT NULL,
                    status TEXT NOT NULL,
                    role TEXT NOT NULL,
                    auth_token_hash TEXT NOT NULL,
                    date_created DATETIME NOT NULL,
                    date_updated DATETIME NOT NULL
                );
                CREATE INDEX accounts_by_owner ON accounts(owner_sid);

                CREATE TABLE applications (
                    sid TEXT PRIMARY KEY NOT NULL,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    friendly_name TEXT NOT NULL,
                    voice_url TEXT,
                    voice_method TEXT NOT NULL,
                    voice_fallback_url TEXT,
                    voice_fallback_method TEXT NOT NULL,
                    status_callback TEXT,
                    status_callback_method TEXT NOT NULL,
                    voice_caller_id_lookup BOOLEAN NOT NULL,
                    kind TEXT NOT NULL,
                    date_created DATETIME NOT NULL,
                    date_updated DATETIME NOT NULL
                );
                CREATE INDEX applications_by_account ON applications(account_sid, date_created);

                CREATE TABLE clients (
                    sid TEXT PRIMARY KEY NOT NULL,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    login TEXT NOT NULL,
                    friendly_name TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    digest_realm TEXT NOT NULL,
                    ha1_md5 TEXT NOT NULL,
                    ha1_sha256 TEXT NOT NULL,
                    voice_url TEXT,
                    voice_method TEXT NOT NULL,
                    voice_fallback_url TEXT,
                    voice_fallback_method TEXT NOT NULL,
                    voice_application_sid TEXT REFERENCES applications(sid) ON DELETE SET NULL,
                    date_created DATETIME NOT NULL,
                    date_updated DATETIME NOT NULL,
                    UNIQUE (account_sid, login)
                );

                CREATE TABLE notifications (
                    sid TEXT PRIMARY KEY NOT NULL,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    call_sid TEXT,
                    log INTEGER NOT NULL,
                    error_code INTEGER NOT NULL,
                    more_info TEXT NOT NULL,
                    message_text TEXT NOT NULL,
                    message_date DATETIME NOT NULL,
                    request_url TEXT,
                    request_method TEXT,
                    request_variables TEXT,
                    response_headers TEXT,
                    response_body TEXT,
                    date_created DATETIME NOT NULL
                );
                CREATE INDEX notifications_by_account ON notifications(account_sid, date_created);
                """)
        }
        migrator.registerMigration("v2-numbers-and-api-credentials") { db in
            try db.execute(sql: """
                CREATE TABLE phone_numbers (
                    e164 TEXT PRIMARY KEY NOT NULL,
                    type TEXT NOT NULL,
                    zone TEXT NOT NULL,
                    sms_supported BOOLEAN NOT NULL,
                    price_tier TEXT NOT NULL,
                    state TEXT NOT NULL,
                    sid TEXT UNIQUE,
                    account_sid TEXT REFERENCES accounts(sid),
                    reserved_at DATETIME,
                    frozen_until DATETIME,
                    friendly_name TEXT,
                    voice_url TEXT,
                    voice_method TEXT NOT NULL DEFAULT 'POST',
                    voice_fallback_url TEXT,
                    voice_fallback_method TEXT NOT NULL DEFAULT 'POST',
                    status_callback TEXT,
                    status_callback_method TEXT NOT NULL DEFAULT 'POST',
                    voice_application_sid TEXT REFERENCES applications(sid) ON DELETE SET NULL,
                    sms_url TEXT,
                    sms_method TEXT NOT NULL DEFAULT 'POST',
                    sms_application_sid TEXT REFERENCES applications(sid) ON DELETE SET NULL
                );
                CREATE INDEX phone_numbers_by_state ON phone_numbers(state, zone, type);
                CREATE INDEX phone_numbers_by_account ON phone_numbers(account_sid);

                CREATE TABLE number_reservations (
                    e164 TEXT NOT NULL REFERENCES phone_numbers(e164),
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    reserved_at DATETIME NOT NULL,
                    released_at DATETIME
                );
                CREATE INDEX number_reservations_by_account ON number_reservations(account_sid);

                CREATE TABLE api_keys (
                    client_id TEXT PRIMARY KEY NOT NULL,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    friendly_name TEXT NOT NULL,
                    secret_hash TEXT NOT NULL,
                    date_created DATETIME NOT NULL
                );

                CREATE TABLE access_tokens (
                    token_hash TEXT PRIMARY KEY NOT NULL,
                    client_id TEXT NOT NULL REFERENCES api_keys(client_id) ON DELETE CASCADE,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    nonce TEXT NOT NULL,
                    issued_at DATETIME NOT NULL,
                    expires_at DATETIME NOT NULL,
                    revoked BOOLEAN NOT NULL
                );
                CREATE INDEX access_tokens_by_client ON access_tokens(client_id, issued_at);

                CREATE TABLE permanent_tokens (
                    sid TEXT PRIMARY KEY NOT NULL,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    friendly_name TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    date_created DATETIME NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3-clients-by-login") { db in
            try db.execute(sql: "CREATE INDEX clients_by_login ON clients(login)")
        }
        migrator.registerMigration("v4-calls") { db in
            try db.execute(sql: """
                CREATE TABLE calls (
                    sid TEXT PRIMARY KEY NOT NULL,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    parent_call_sid TEXT,
                    "to" TEXT NOT NULL,
                    "from" TEXT NOT NULL,
                    status TEXT NOT NULL,
                    direction TEXT NOT NULL,
                    phone_number_sid TEXT,
                    forwarded_from TEXT,
                    caller_name TEXT,
                    sip_call_id TEXT,
                    start_time DATETIME,
                    end_time DATETIME,
                    date_created DATETIME NOT NULL,
                    date_updated DATETIME NOT NULL
                );
                CREATE INDEX calls_by_account ON calls(account_sid, date_created);
                CREATE INDEX calls_open ON calls(status) WHERE status IN ('queued', 'ringing', 'in-progress');
                """)
        }
        migrator.registerMigration("v5-sealed-auth-tokens") { db in
            try db.execute(sql: "ALTER TABLE accounts ADD COLUMN auth_token_sealed TEXT")
        }
        migrator.registerMigration("v6-recordings") { db in
            try db.execute(sql: """
                CREATE TABLE recordings (
                    sid TEXT PRIMARY KEY NOT NULL,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    call_sid TEXT NOT NULL,
                    status TEXT NOT NULL,
                    duration INTEGER,
                    channels INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    public_token TEXT UNIQUE,
                    start_time DATETIME NOT NULL,
                    date_created DATETIME NOT NULL,
                    date_updated DATETIME NOT NULL
                );
                CREATE INDEX recordings_by_account ON recordings(account_sid, date_created);
                CREATE INDEX recordings_by_age ON recordings(date_created);
                """)
        }
        migrator.registerMigration("v7-conferences") { db in
            try db.execute(sql: """
                CREATE TABLE conferences (
                    sid TEXT PRIMARY KEY NOT NULL,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    friendly_name TEXT NOT NULL,
                    status TEXT NOT NULL,
                    reason_ended TEXT,
                    date_created DATETIME NOT NULL,
                    date_updated DATETIME NOT NULL
                );
                CREATE INDEX conferences_by_account ON conferences(account_sid, date_created);
                """)
        }
        migrator.registerMigration("v8-queues") { db in
            try db.execute(sql: """
                CREATE TABLE queues (
                    sid TEXT PRIMARY KEY NOT NULL,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    friendly_name TEXT NOT NULL,
                    max_size INTEGER NOT NULL,
                    date_created DATETIME NOT NULL,
                    date_updated DATETIME NOT NULL,
                    UNIQUE (account_sid, friendly_name)
                );
                """)
        }
        migrator.registerMigration("v9-call-quality") { db in
            try db.execute(sql: "ALTER TABLE calls ADD COLUMN media_quality TEXT")
        }
        // A conference's recording belongs to its room, not to a call: call_sid may be empty.
        migrator.registerMigration("v10-conference-recordings") { db in
            try db.execute(sql: """
                CREATE TABLE recordings_v10 (
                    sid TEXT PRIMARY KEY NOT NULL,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    call_sid TEXT,
                    conference_sid TEXT,
                    status TEXT NOT NULL,
                    duration INTEGER,
                    channels INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    public_token TEXT UNIQUE,
                    start_time DATETIME NOT NULL,
                    date_created DATETIME NOT NULL,
                    date_updated DATETIME NOT NULL,
                    CHECK (call_sid IS NOT NULL OR conference_sid IS NOT NULL)
                );
                INSERT INTO recordings_v10 (sid, account_sid, call_sid, status, duration, channels, source, public_token,
                    start_time, date_created, date_updated)
                    SELECT sid, account_sid, call_sid, status, duration, channels, source, public_token,
                        start_time, date_created, date_updated FROM recordings;
                DROP TABLE recordings;
                ALTER TABLE recordings_v10 RENAME TO recordings;
                CREATE INDEX recordings_by_account ON recordings(account_sid, date_created);
                CREATE INDEX recordings_by_age ON recordings(date_created);
                """)
        }
        // Per-account limits set by an administrator; NULL means the server's default.
        migrator.registerMigration("v11-account-limits") { db in
            try db.execute(sql: """
                ALTER TABLE accounts ADD COLUMN max_concurrent_calls INTEGER;
                ALTER TABLE accounts ADD COLUMN max_calls_per_second INTEGER;
                ALTER TABLE accounts ADD COLUMN max_say_characters INTEGER;
                """)
        }
        // SMS (Twilio's Messages) and the SMSC's id of each part, which its receipt names.
        migrator.registerMigration("v12-messages") { db in
            try db.execute(sql: """
                CREATE TABLE messages (
                    sid TEXT PRIMARY KEY NOT NULL,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    direction TEXT NOT NULL,
                    from_address TEXT NOT NULL,
                    to_address TEXT NOT NULL,
                    body TEXT NOT NULL,
                    status TEXT NOT NULL,
                    num_segments INTEGER NOT NULL,
                    encoding TEXT NOT NULL,
                    error_code INTEGER,
                    error_message TEXT,
                    status_callback TEXT,
                    status_callback_method TEXT NOT NULL,
                    call_sid TEXT,
                    attempts INTEGER NOT NULL,
                    date_created DATETIME NOT NULL,
                    date_updated DATETIME NOT NULL,
                    date_sent DATETIME
                );
                CREATE INDEX messages_by_account ON messages(account_sid, date_created);
                CREATE INDEX messages_by_status ON messages(status, date_created);

                CREATE TABLE message_parts (
                    smsc_message_id TEXT PRIMARY KEY NOT NULL,
                    message_sid TEXT NOT NULL REFERENCES messages(sid) ON DELETE CASCADE,
                    part INTEGER NOT NULL,
                    outcome TEXT,
                    error_code TEXT
                );
                CREATE INDEX message_parts_by_message ON message_parts(message_sid, part);
                """)
        }
        // E-mail (Restcomm's Email resource), retried until the relay takes it.
        migrator.registerMigration("v13-emails") { db in
            try db.execute(sql: """
                CREATE TABLE emails (
                    sid TEXT PRIMARY KEY NOT NULL,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    from_address TEXT NOT NULL,
                    to_addresses TEXT NOT NULL,
                    cc_addresses TEXT NOT NULL,
                    bcc_addresses TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    body TEXT NOT NULL,
                    is_html BOOLEAN NOT NULL,
                    status TEXT NOT NULL,
                    attempts INTEGER NOT NULL,
                    next_attempt DATETIME,
                    server_reply TEXT,
                    call_sid TEXT,
                    date_created DATETIME NOT NULL,
                    date_updated DATETIME NOT NULL,
                    date_sent DATETIME
                );
                CREATE INDEX emails_by_account ON emails(account_sid, date_created);
                CREATE INDEX emails_due ON emails(status, next_attempt);
                """)
        }
        // Verify (one-time passwords): services, verifications (the code only hashed) and each send.
        migrator.registerMigration("v14-verify") { db in
            try db.execute(sql: """
                CREATE TABLE verify_services (
                    sid TEXT PRIMARY KEY NOT NULL,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    friendly_name TEXT NOT NULL,
                    code_length INTEGER NOT NULL,
                    default_locale TEXT NOT NULL,
                    channel_order TEXT NOT NULL,
                    date_created DATETIME NOT NULL,
                    date_updated DATETIME NOT NULL
                );
                CREATE INDEX verify_services_by_account ON verify_services(account_sid, date_created);

                CREATE TABLE verifications (
                    sid TEXT PRIMARY KEY NOT NULL,
                    service_sid TEXT NOT NULL REFERENCES verify_services(sid),
                    account_sid TEXT NOT NULL REFERENCES accounts(sid),
                    to_address TEXT NOT NULL,
                    email TEXT,
                    channel TEXT NOT NULL,
                    locale TEXT NOT NULL,
                    custom_friendly_name TEXT,
                    status TEXT NOT NULL,
                    code_hash TEXT NOT NULL,
                    checks INTEGER NOT NULL,
                    expires_at DATETIME NOT NULL,
                    date_created DATETIME NOT NULL,
                    date_updated DATETIME NOT NULL
                );
                CREATE INDEX verifications_pending ON verifications(service_sid, to_address, status);

                CREATE TABLE verification_attempts (
                    sid TEXT PRIMARY KEY NOT NULL,
                    verification_sid TEXT NOT NULL REFERENCES verifications(sid),
                    channel TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    detail TEXT,
                    date_created DATETIME NOT NULL,
                    date_updated DATETIME NOT NULL
                );
                CREATE INDEX verification_attempts_by_verification ON verification_attempts(verification_sid, date_created);
                """)
        }
        // The per-destination limit finds a destination's verifications in every service:
        // without this it read the whole table for every verification started.
        migrator.registerMigration("v15-verifications-by-destination") { db in
            try db.execute(sql: "CREATE INDEX verifications_by_destination ON verifications(to_address)")
        }
        migrator.registerMigration("v16-sms-fallback") { db in
            try db.execute(
                sql: """
                    ALTER TABLE phone_numbers ADD COLUMN sms_fallback_url TEXT;
                    ALTER TABLE phone_numbers ADD COLUMN sms_fallback_method TEXT NOT NULL DEFAULT 'POST';
                    """)
        }
        migrator.registerMigration("v17-incoming-message-parts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE incoming_message_parts (
                        source TEXT NOT NULL,
                        destination TEXT NOT NULL,
                        reference INTEGER NOT NULL,
                        total INTEGER NOT NULL,
                        sequence INTEGER NOT NULL,
                        data_coding INTEGER NOT NULL,
                        payload BLOB NOT NULL,
                        received_at DATETIME NOT NULL,
                        PRIMARY KEY (source, destination, reference, total, sequence)
                    );
                    """)
        }
        migrator.registerMigration("v18-console") { db in
            try db.execute(
                sql: """
                    CREATE TABLE console_users (
                        sid TEXT PRIMARY KEY,
                        account_sid TEXT NOT NULL REFERENCES accounts(sid),
                        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                        role TEXT NOT NULL,
                        password_hash TEXT,
                        password_link_hash TEXT UNIQUE,
                        password_link_expires DATETIME,
                        two_step_service TEXT,
                        date_created DATETIME NOT NULL,
                        date_updated DATETIME NOT NULL
                    );
                    CREATE INDEX console_users_by_account ON console_users(account_sid);
                    CREATE TABLE console_sessions (
                        token_hash TEXT PRIMARY KEY,
                        user_sid TEXT NOT NULL REFERENCES console_users(sid),
                        account_sid TEXT NOT NULL REFERENCES accounts(sid),
                        csrf_token TEXT NOT NULL,
                        pending_verification TEXT,
                        date_created DATETIME NOT NULL,
                        expires DATETIME NOT NULL
                    );
                    CREATE INDEX console_sessions_by_user ON console_sessions(user_sid);
                    """)
        }
        return migrator
    }
}
