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
        return migrator
    }
}
