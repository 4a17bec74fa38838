/* The API's types, generated from GET /api/openapi.json by `npm run web:types` (src/web/api-types.ts).
 * Do not edit: change the zod schemas of the route and run it again. */
export interface paths {
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            kind: "user" | "token" | "system";
                            name: string;
                            /** @enum {string} */
                            role: "agent" | "supervisor" | "legal" | "admin" | "auditor";
                            user_id: number | null;
                            /** @enum {string} */
                            scope: "read" | "write";
                            brands: string[] | null;
                            /**
                             * @description the console's language the person chose (PUT /api/v1/me/language); null: not chosen
                             * @enum {string|null}
                             */
                            language: "nl" | "en" | null;
                            /** @description what this actor may do (its role's abilities; only reading for a read-scoped token) */
                            abilities: ("read" | "work" | "submit" | "approve" | "legal" | "admin" | "audit" | "privacy" | "account")[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/language": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** The console's language of the signed-in person (or of the token's person) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        language: "nl" | "en";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            language: "nl" | "en";
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: number;
                                email: string;
                                name: string | null;
                                /** @enum {string} */
                                role: "agent" | "supervisor" | "legal" | "admin" | "auditor";
                                brands: string[] | null;
                                totp: boolean;
                                must_change_password: boolean;
                                /** Format: date-time */
                                created_at: string;
                                /** Format: date-time */
                                disabled_at: string | null;
                            }[];
                            /** @enum {string|null} */
                            next_cursor: null;
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        /** @enum {string} */
                        role: "agent" | "supervisor" | "legal" | "admin" | "auditor";
                        name?: string;
                        /** @description the brands this user or token is limited to; null for every brand */
                        brands?: string[] | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            email: string;
                            /** @enum {string} */
                            role: "agent" | "supervisor" | "legal" | "admin" | "auditor";
                            brands: string[] | null;
                            /** @description the one-time password: it works for one sign-in */
                            password: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Limit a user to some brands (brands: null for every brand) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description the brands this user or token is limited to; null for every brand */
                        brands: string[] | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            email: string;
                            brands: string[] | null;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/users/{id}/reset-password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new one-time password; the user chooses their own at the next sign-in */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            email: string;
                            password: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Forget a user's TOTP authenticator (a lost phone); they enrol again if their role needs it */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            email: string;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            required_roles: ("agent" | "supervisor" | "legal" | "admin" | "auditor")[];
                        };
                    };
                };
            };
        };
        /** The roles whose people must sign in to the console with a TOTP code */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        required_roles: ("agent" | "supervisor" | "legal" | "admin" | "auditor")[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            required_roles: ("agent" | "supervisor" | "legal" | "admin" | "auditor")[];
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** API tokens: an admin sees every token, anyone else their own */
        get: {
            parameters: {
                query?: {
                    /** @description admin: one person's tokens (e-mail) */
                    user?: string;
                    state?: "active" | "expired" | "revoked";
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: number;
                                name: string;
                                /** @enum {string} */
                                role: "agent" | "supervisor" | "legal" | "admin" | "auditor";
                                /** @description the person's e-mail address; null for a service token */
                                user: string | null;
                                /** @enum {string} */
                                scope: "read" | "write";
                                brands: string[] | null;
                                /** @enum {string} */
                                state: "active" | "expired" | "revoked";
                                /** Format: date-time */
                                created_at: string;
                                /** Format: date-time */
                                last_used_at: string | null;
                                /** Format: date-time */
                                expires_at: string | null;
                                /** Format: date-time */
                                revoked_at: string | null;
                            }[];
                            next_cursor: string | null;
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        /** @enum {string} */
                        role?: "agent" | "supervisor" | "legal" | "admin" | "auditor";
                        user?: string | number;
                        /** @enum {string} */
                        scope?: "read" | "write";
                        /** Format: date-time */
                        expires_at?: string;
                        /** @description limit the token to these brands (within its person's) */
                        brands?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            name: string;
                            /** @enum {string} */
                            role: "agent" | "supervisor" | "legal" | "admin" | "auditor";
                            user: string | null;
                            /** @enum {string} */
                            scope: "read" | "write";
                            /** Format: date-time */
                            expires_at: string | null;
                            brands: string[] | null;
                            token: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a token at once: an admin any token, anyone else their own */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            name: string;
                            /** @enum {string} */
                            role: "agent" | "supervisor" | "legal" | "admin" | "auditor";
                            /** @description the person's e-mail address; null for a service token */
                            user: string | null;
                            /** @enum {string} */
                            scope: "read" | "write";
                            brands: string[] | null;
                            /** @enum {string} */
                            state: "active" | "expired" | "revoked";
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            last_used_at: string | null;
                            /** Format: date-time */
                            expires_at: string | null;
                            /** Format: date-time */
                            revoked_at: string | null;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/brands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                name: string;
                                /** @enum {string} */
                                country: "NL" | "BE";
                                time_zone: string;
                                languages: string[];
                                policy_profile: string;
                                abuse_addresses: string[];
                            }[];
                            /** @enum {string|null} */
                            next_cursor: null;
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Report"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Reports, newest first: the triage queue is ?state=triage; ?message_id= finds a mail */
        get: {
            parameters: {
                query?: {
                    state?: "processing" | "parsed" | "triage" | "error";
                    message_id?: string;
                    brand?: string;
                    channel?: "smtp" | "imap" | "file" | "api" | "form" | "authority" | "collector";
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Report"][];
                            next_cursor: string | null;
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Submit a report: an e-mail (message/rfc822), X-ARF (application/json) or a Shadowserver CSV
         * @description Answers 202 once the report is stored, with the events and cases it produced (or its triage reason). The same bytes again are the same report (`duplicate: true`).
         */
        post: {
            parameters: {
                query?: {
                    /** @description read the body as this format instead of finding out */
                    format?: "arf" | "xarf" | "shadowserver" | "iodef" | "acns" | "spamcop" | "plain";
                    type?: string;
                    /** @description the report's original file name (a Shadowserver file name names its type) */
                    filename?: string;
                    /** @description the brand it was sent to, e.g. x2com-nl */
                    brand?: string;
                    /** @description admin only: when it originally arrived, to backfill an archive */
                    received_at?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Report"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports/{id}/raw": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The original bytes, as an attachment (reported content is hostile: never shown inline) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports/{id}/body": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The report as a person reads it: subject, sender, date, text, and its HTML sanitised */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ReportBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    report_id?: number;
                    case_id?: number;
                    /** @description a customer id */
                    customer?: string;
                    category?: string;
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Event"][];
                            next_cursor: string | null;
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    brand?: string;
                    /** @description part of the id, name, registration number or contact */
                    q?: string;
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                brand: string;
                                name: string;
                                contact_emails: string[];
                                language: string;
                                registration_number: string | null;
                                /** @enum {string} */
                                kyc_status: "verified" | "unverified" | "high_risk";
                                current_resources: number;
                                created_at: string;
                                updated_at: string;
                            }[];
                            next_cursor: string | null;
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        id: string;
                        brand: string;
                        name: string;
                        contact_emails: string[];
                        /** @enum {string} */
                        language?: "nl" | "en" | "fr" | "de";
                        registration_number?: string | null;
                        contracts?: {
                            service: string;
                            product?: string | null;
                            /** Format: date-time */
                            started_at?: string;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            brand: string;
                            name: string;
                            contact_emails: string[];
                            language: string;
                            registration_number: string | null;
                            /** @enum {string} */
                            kyc_status: "verified" | "unverified" | "high_risk";
                            current_resources: number;
                            created_at: string;
                            updated_at: string;
                            contracts: {
                                id: number;
                                service: string;
                                product: string | null;
                                started_at: string;
                                ended_at: string | null;
                            }[];
                            resources: {
                                id: number;
                                kind: string;
                                value: string;
                                valid_from: string;
                                valid_to: string | null;
                                current: boolean;
                            }[];
                            verifications: {
                                id: number;
                                /** @enum {string} */
                                method: "kvk_kbo" | "id_document" | "lei" | "bank_payment" | "domain_whois" | "high_risk_check";
                                /** @enum {string} */
                                result: "passed" | "failed" | "flagged";
                                verified_at: string;
                                verified_by: string;
                                reference: string | null;
                                note: string | null;
                                valid_until: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            brand: string;
                            name: string;
                            contact_emails: string[];
                            language: string;
                            registration_number: string | null;
                            /** @enum {string} */
                            kyc_status: "verified" | "unverified" | "high_risk";
                            current_resources: number;
                            created_at: string;
                            updated_at: string;
                            contracts: {
                                id: number;
                                service: string;
                                product: string | null;
                                started_at: string;
                                ended_at: string | null;
                            }[];
                            resources: {
                                id: number;
                                kind: string;
                                value: string;
                                valid_from: string;
                                valid_to: string | null;
                                current: boolean;
                            }[];
                            verifications: {
                                id: number;
                                /** @enum {string} */
                                method: "kvk_kbo" | "id_document" | "lei" | "bank_payment" | "domain_whois" | "high_risk_check";
                                /** @enum {string} */
                                result: "passed" | "failed" | "flagged";
                                verified_at: string;
                                verified_by: string;
                                reference: string | null;
                                note: string | null;
                                valid_until: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        brand?: string;
                        name?: string;
                        contact_emails?: string[];
                        /** @enum {string} */
                        language?: "nl" | "en" | "fr" | "de";
                        registration_number?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            brand: string;
                            name: string;
                            contact_emails: string[];
                            language: string;
                            registration_number: string | null;
                            /** @enum {string} */
                            kyc_status: "verified" | "unverified" | "high_risk";
                            current_resources: number;
                            created_at: string;
                            updated_at: string;
                            contracts: {
                                id: number;
                                service: string;
                                product: string | null;
                                started_at: string;
                                ended_at: string | null;
                            }[];
                            resources: {
                                id: number;
                                kind: string;
                                value: string;
                                valid_from: string;
                                valid_to: string | null;
                                current: boolean;
                            }[];
                            verifications: {
                                id: number;
                                /** @enum {string} */
                                method: "kvk_kbo" | "id_document" | "lei" | "bank_payment" | "domain_whois" | "high_risk_check";
                                /** @enum {string} */
                                result: "passed" | "failed" | "flagged";
                                verified_at: string;
                                verified_by: string;
                                reference: string | null;
                                note: string | null;
                                valid_until: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/customers/{id}/verifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record a know-your-customer check (abuse policy §9) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        method: "kvk_kbo" | "id_document" | "lei" | "bank_payment" | "domain_whois" | "high_risk_check";
                        /** @enum {string} */
                        result: "passed" | "failed" | "flagged";
                        /** Format: date-time */
                        verified_at?: string;
                        reference?: string | null;
                        note?: string | null;
                        /** Format: date-time */
                        valid_until?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            verification: {
                                id: number;
                                /** @enum {string} */
                                method: "kvk_kbo" | "id_document" | "lei" | "bank_payment" | "domain_whois" | "high_risk_check";
                                /** @enum {string} */
                                result: "passed" | "failed" | "flagged";
                                verified_at: string;
                                verified_by: string;
                                reference: string | null;
                                note: string | null;
                                valid_until: string | null;
                            };
                            /** @enum {string} */
                            kyc_status: "verified" | "unverified" | "high_risk";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inventory/ranges": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    brand?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: number;
                                brand: string;
                                cidr: string;
                                note: string | null;
                                created_at: string;
                            }[];
                            /** @enum {string|null} */
                            next_cursor: null;
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        brand: string;
                        cidr: string;
                        note?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            brand: string;
                            cidr: string;
                            note: string | null;
                            created_at: string;
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            brand: string;
                            cidr: string;
                            note: string | null;
                            created_at: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inventory/ranges/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            brand: string;
                            cidr: string;
                            note: string | null;
                            created_at: string;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inventory/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who held this subject at that time? */
        get: {
            parameters: {
                query?: {
                    ip?: string;
                    url?: string;
                    domain?: string;
                    email?: string;
                    phone?: string;
                    /** @description default: now */
                    at?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            resolution: "matched" | "not_ours";
                            customer_id: string | null;
                            matched_by: string | null;
                            value: string | null;
                            assignment_id: string | null;
                            provider_range: boolean | null;
                            range_brand: string | null;
                            invalid: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inventory/reresolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resolve not-ours and pending events again (matched events keep their snapshot) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: date-time */
                        since?: string;
                        limit?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            examined: number;
                            matched: number;
                            more: boolean;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inventory/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How a re-resolution job queued by an import went */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the job id an import answered */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            queue: string;
                            /** @description created, retry, active, completed, cancelled or failed */
                            state: string;
                            result: {
                                examined: number;
                                matched: number;
                                more: boolean;
                            } | null;
                            created_at: string | null;
                            completed_at: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    /** @description open (default), all, or a comma-separated list of states */
                    state?: string;
                    brand?: string;
                    customer?: string;
                    category?: "spam" | "phishing" | "malware" | "botnet" | "compromised_server" | "ddos" | "brute_force" | "port_scan" | "open_relay" | "open_service" | "copyright" | "trademark" | "defamation" | "harassment" | "fraud" | "csam" | "terrorist_content" | "unlawful_content" | "privacy" | "excessive_use" | "blocklist" | "ddos_victim" | "email_auth_failure" | "opt_out" | "other";
                    kind?: "abuse" | "ntd" | "authority";
                    /** @description only cases with a deadline before this moment */
                    due_before?: string;
                    /** @description search in case id, customer id and name, subjects */
                    q?: string;
                    /** @description user id of the owner */
                    owner?: number;
                    escalated?: "true" | "false";
                    /** @description true: cases of category other waiting for a person to say what they are */
                    needs_classification?: "true" | "false";
                    /** @description true: cases with a severe step waiting for a second person's approval */
                    awaiting_approval?: "true" | "false";
                    /** @description true: cases nobody owns; false: cases someone owns */
                    unassigned?: "true" | "false";
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: number;
                                brand: string;
                                customer: {
                                    id: string;
                                    name: string;
                                } | null;
                                category: string;
                                /** @enum {string} */
                                kind: "abuse" | "ntd" | "authority";
                                /** @enum {string} */
                                state: "new" | "waiting_customer" | "waiting_reporter" | "in_review" | "measures" | "resolved" | "rejected" | "closed";
                                priority: number;
                                owner: {
                                    id: number;
                                    email: string;
                                } | null;
                                escalated: boolean;
                                /** @description category other: a person must say what it is (POST /api/v1/cases/:id/classify) */
                                needs_classification: boolean;
                                event_count: number;
                                subject_count: number;
                                /** @description the first few subjects; GET /cases/:id lists more */
                                subjects: string[];
                                next_deadline: {
                                    name: string;
                                    /** @description ISO 8601 date-time (UTC) */
                                    due_at: string;
                                    source: string;
                                } | null;
                                /** @description ISO 8601 date-time (UTC) */
                                opened_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                updated_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                last_event_at: string | null;
                                merged_into: number | null;
                            }[];
                            next_cursor: string | null;
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/proposals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The proposed next step of each case of a page (the queue's column) */
        get: {
            parameters: {
                query: {
                    /** @description comma-separated case ids (at most 100): a queue page */
                    ids: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: number;
                                /** @enum {string|null} */
                                step: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action" | null;
                                clause: {
                                    document: string;
                                    article: string;
                                } | null;
                                needs_approval: boolean;
                                /** @description ISO 8601 date-time (UTC) */
                                waiting_until: string | null;
                                /** @description why there is no proposal, when there is none */
                                note: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            brand: string;
                            customer: {
                                id: string;
                                name: string;
                            } | null;
                            category: string;
                            /** @enum {string} */
                            kind: "abuse" | "ntd" | "authority";
                            /** @enum {string} */
                            state: "new" | "waiting_customer" | "waiting_reporter" | "in_review" | "measures" | "resolved" | "rejected" | "closed";
                            allowed_transitions: ("new" | "waiting_customer" | "waiting_reporter" | "in_review" | "measures" | "resolved" | "rejected" | "closed")[];
                            priority: number;
                            owner: {
                                id: number;
                                email: string;
                                name: string | null;
                            } | null;
                            escalated: boolean;
                            /** @description category other: a person must say what it is (POST /api/v1/cases/:id/classify) */
                            needs_classification: boolean;
                            /** @description the senders' own labels of its unclassified events, to map or classify */
                            source_categories?: {
                                label: string;
                                format: string | null;
                                events: number;
                            }[];
                            /** @description subjects with the most events first; subject_count says how many in all */
                            subjects: string[];
                            subject_details: {
                                kind: string;
                                value: string;
                                event_count: number;
                                /** @description ISO 8601 date-time (UTC) */
                                first_seen_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                last_seen_at: string;
                            }[];
                            subject_count: number;
                            event_count: number;
                            /** @description ISO 8601 date-time (UTC) */
                            opened_at: string;
                            /** @description ISO 8601 date-time (UTC) */
                            updated_at: string;
                            /** @description ISO 8601 date-time (UTC) */
                            first_event_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            last_event_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            closed_at: string | null;
                            merged_into: number | null;
                            facts: {
                                /** @description the incident is serious (measures without warning) */
                                serious?: boolean;
                                /** @description a known ("bekende") offender, e.g. a known spammer */
                                known_offender?: boolean;
                                /** @description the abuse went through the customer's insecure site or server */
                                insecure_site?: boolean;
                                /**
                                 * @description spam: whether the customer showed the confirmed opt-in of the complaining address
                                 * @enum {string}
                                 */
                                opt_in_proof?: "shown" | "missing";
                                /** @description the customer cooperates / reached an agreement */
                                cooperating?: boolean;
                                /** @description written fair-use requests already sent; counted from the warnings on excessive-use cases when left out */
                                fair_use_requests?: number;
                                /** @description the customer's use divided by the average of the same service */
                                usage?: {
                                    ratio: number;
                                    period_months: number;
                                    /** @enum {string} */
                                    metric: "traffic" | "call_minutes";
                                };
                                /**
                                 * @description authority orders: the step the order demands
                                 * @enum {string}
                                 */
                                requested_step?: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action";
                            };
                            deadlines: {
                                name: string;
                                /** @description ISO 8601 date-time (UTC) */
                                due_at: string;
                                source: string;
                                /** @description ISO 8601 date-time (UTC) */
                                met_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                escalated_at: string | null;
                                overdue: boolean;
                            }[];
                            proposal: {
                                /** @enum {string} */
                                step: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action";
                                clause: {
                                    document: string;
                                    article: string;
                                    quote: string;
                                };
                                reasoning: string;
                                rule: string;
                                basis?: {
                                    document: string;
                                    article: string;
                                    quote: string;
                                };
                                needs_approval: boolean;
                                /** @description ISO 8601 date-time (UTC) */
                                waiting_until?: string;
                            } | null;
                            proposal_note?: string;
                            actions: {
                                id: number;
                                step: string;
                                proposed_step: string | null;
                                state: string;
                                actor: string;
                                approved_by: string | null;
                                reason: string | null;
                                note: string | null;
                                params: unknown;
                                clause: {
                                    document: string;
                                    article: string;
                                    quote: string;
                                } | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                approved_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                done_at: string | null;
                            }[];
                            notes: {
                                id: number;
                                /** @enum {string} */
                                visibility: "internal" | "shared";
                                body: string;
                                author: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                            }[];
                            events: {
                                total: number;
                                shown: number;
                                by_category: {
                                    category: string;
                                    count: number;
                                }[];
                                reports: {
                                    report_id: number;
                                    /** @description ISO 8601 date-time (UTC) */
                                    received_at: string;
                                    count: number;
                                }[];
                                items: {
                                    id: number;
                                    category: string;
                                    /** @enum {string} */
                                    kind: "abuse" | "ntd" | "authority";
                                    subject: {
                                        ip: string | null;
                                        port: number | null;
                                        url: string | null;
                                        domain: string | null;
                                        email: string | null;
                                        phone: string | null;
                                    };
                                    /** @description ISO 8601 date-time (UTC) */
                                    occurred_at: string | null;
                                    /** @description ISO 8601 date-time (UTC) */
                                    received_at: string;
                                    report_id: number;
                                    customer: {
                                        id: string;
                                        name: string;
                                    } | null;
                                    /** @enum {string} */
                                    resolution: "matched" | "not_ours" | "pending";
                                    case_id: number | null;
                                }[];
                            };
                            customer_history: {
                                cases: {
                                    id: number;
                                    category: string;
                                    /** @enum {string} */
                                    kind: "abuse" | "ntd" | "authority";
                                    /** @description ISO 8601 date-time (UTC) */
                                    opened_at: string;
                                    founded: boolean;
                                    actions: {
                                        step: string;
                                        /** @description ISO 8601 date-time (UTC) */
                                        at: string;
                                    }[];
                                }[];
                            };
                            /** @description messages out and in, oldest first (GET /api/v1/messages/:id for the text) */
                            messages: {
                                id: number;
                                /** @enum {string} */
                                direction: "out" | "in";
                                /** @enum {string} */
                                party: "reporter" | "customer" | "authority" | "other";
                                from: string | null;
                                to: string[];
                                subject: string | null;
                                template: string | null;
                                language: string | null;
                                /** @enum {string} */
                                state: "held" | "queued" | "sent" | "failed" | "received";
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                sent_at: string | null;
                                case_id: number | null;
                                /** @description in: the report that holds the raw mail; out: the report it answers */
                                report_id: number | null;
                                /**
                                 * @description why a failed message did not reach its reader
                                 * @enum {string|null}
                                 */
                                failure: "refused" | "bounced" | "withheld" | "no_address" | "gave_up" | null;
                                /** @description the relay's or the composer's last word on it */
                                error: string | null;
                                attempts: number;
                            }[];
                            /** @description messages that did not arrive because the address does not work (bounced, refused, none) */
                            contact_problems: {
                                message: number;
                                party: string;
                                to: string[];
                                failure: string;
                                reason: string;
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                            }[];
                            timeline: {
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                                /** @enum {string} */
                                type: "audit" | "note" | "report";
                                actor: string | null;
                                action: string;
                                summary: string;
                                details: unknown;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/actions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        step: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action";
                        /** @description required when the step is not the proposed one */
                        reason?: string;
                        note?: string;
                        params?: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            action: {
                                id: number;
                                /** @enum {string} */
                                step: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action";
                                state: string;
                                proposed_step: string | null;
                                needs_approval: boolean;
                            };
                            /** @enum {string} */
                            case_state: "new" | "waiting_customer" | "waiting_reporter" | "in_review" | "measures" | "resolved" | "rejected" | "closed";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/actions/{actionId}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                    actionId: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        note?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            action: {
                                id: number;
                                /** @enum {string} */
                                step: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action";
                                state: string;
                                proposed_step: string | null;
                                needs_approval: boolean;
                            };
                            /** @enum {string} */
                            case_state: "new" | "waiting_customer" | "waiting_reporter" | "in_review" | "measures" | "resolved" | "rejected" | "closed";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/transitions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        to: "new" | "waiting_customer" | "waiting_reporter" | "in_review" | "measures" | "resolved" | "rejected" | "closed";
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        body: string;
                        /**
                         * @description shared notes may be shown to the customer
                         * @default internal
                         * @enum {string}
                         */
                        visibility?: "internal" | "shared";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/assign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description the user's id or e-mail address, or null to unassign */
                        owner: number | string | (null);
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/facts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        facts: {
                            /** @description the incident is serious (measures without warning) */
                            serious?: boolean;
                            /** @description a known ("bekende") offender, e.g. a known spammer */
                            known_offender?: boolean;
                            /** @description the abuse went through the customer's insecure site or server */
                            insecure_site?: boolean;
                            /**
                             * @description spam: whether the customer showed the confirmed opt-in of the complaining address
                             * @enum {string}
                             */
                            opt_in_proof?: "shown" | "missing";
                            /** @description the customer cooperates / reached an agreement */
                            cooperating?: boolean;
                            /** @description written fair-use requests already sent; counted from the warnings on excessive-use cases when left out */
                            fair_use_requests?: number;
                            /** @description the customer's use divided by the average of the same service */
                            usage?: {
                                ratio: number;
                                period_months: number;
                                /** @enum {string} */
                                metric: "traffic" | "call_minutes";
                            };
                            /**
                             * @description authority orders: the step the order demands
                             * @enum {string}
                             */
                            requested_step?: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action";
                        };
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/merge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description cases to merge into this one */
                        from: number[];
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/split": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description subject values (IP, URL, ...) to split off */
                        subjects: string[];
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/bulk": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description close, assign or change the state of the cases named by ids and/or matched by filter */
            requestBody: {
                content: {
                    "application/json": {
                        ids?: number[];
                        filter?: {
                            /** @description open (default), all, or a comma-separated list of states */
                            state?: string;
                            brand?: string;
                            customer?: string;
                            /** @enum {string} */
                            category?: "spam" | "phishing" | "malware" | "botnet" | "compromised_server" | "ddos" | "brute_force" | "port_scan" | "open_relay" | "open_service" | "copyright" | "trademark" | "defamation" | "harassment" | "fraud" | "csam" | "terrorist_content" | "unlawful_content" | "privacy" | "excessive_use" | "blocklist" | "ddos_victim" | "email_auth_failure" | "opt_out" | "other";
                            /** @enum {string} */
                            kind?: "abuse" | "ntd" | "authority";
                            /**
                             * Format: date-time
                             * @description only cases with a deadline before this moment
                             */
                            due_before?: string;
                            /** @description search in case id, customer id and name, subjects */
                            q?: string;
                            /** @description user id of the owner */
                            owner?: number;
                            /** @enum {string} */
                            escalated?: "true" | "false";
                            /**
                             * @description true: cases of category other waiting for a person to say what they are
                             * @enum {string}
                             */
                            needs_classification?: "true" | "false";
                            /**
                             * @description true: cases with a severe step waiting for a second person's approval
                             * @enum {string}
                             */
                            awaiting_approval?: "true" | "false";
                            /**
                             * @description true: cases nobody owns; false: cases someone owns
                             * @enum {string}
                             */
                            unassigned?: "true" | "false";
                        };
                        /** @enum {string} */
                        action: "close" | "assign" | "transition";
                        /** @enum {string} */
                        to?: "new" | "waiting_customer" | "waiting_reporter" | "in_review" | "measures" | "resolved" | "rejected" | "closed";
                        owner?: number | string | (null);
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            matched: number;
                            changed: number[];
                            failed: {
                                id: number;
                                message: string;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/classify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Say what a case is: its events take the category and are filed again (audited) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description one of spam, phishing, malware, botnet, compromised_server, ddos, brute_force, port_scan, open_relay, open_service, copyright, trademark, defamation, harassment, fraud, csam, terrorist_content, unlawful_content, privacy, excessive_use, blocklist, ddos_victim, email_auth_failure, opt_out, other */
                        category: string;
                        /** @description only the events with this label of the sender's (see source_categories of the case) */
                        source_category?: string;
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            category: string;
                            /** @description events filed again under the new category */
                            events: number;
                            /** @description the cases they went into */
                            cases: number[];
                            /** @description this case was closed: nothing was left in it */
                            closed: boolean;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports/{id}/classify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Take a report out of triage: say what it is (and about what); its events are filed into cases */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description one of spam, phishing, malware, botnet, compromised_server, ddos, brute_force, port_scan, open_relay, open_service, copyright, trademark, defamation, harassment, fraud, csam, terrorist_content, unlawful_content, privacy, excessive_use, blocklist, ddos_victim, email_auth_failure, opt_out, other */
                        category: string;
                        /** @description IP addresses (192.0.2.1 or 192.0.2.1:25), URLs, domains, e-mail addresses or +phone numbers; read from the report when absent */
                        subjects?: string[];
                        /**
                         * Format: date-time
                         * @description when the abuse happened
                         */
                        occurred_at?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Report"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/category-mappings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Mapping rules: a sender's label → one of our categories */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: number;
                                format: string;
                                label: string;
                                sender: string | null;
                                category: string;
                                note: string | null;
                                created_by: string;
                                created_at: string;
                            }[];
                            /** @enum {string|null} */
                            next_cursor: null;
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add a mapping rule; it applies to later reports at once and lists the open cases waiting for it */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description the report format the label comes in: shadowserver, xarf-v4, xarf-v3, xarf-0.2, arf, abusehub-csv, iodef, … or * for any */
                        format: string;
                        /** @description the sender's own label, e.g. population_bgp */
                        label: string;
                        /** @description one of spam, phishing, malware, botnet, compromised_server, ddos, brute_force, port_scan, open_relay, open_service, copyright, trademark, defamation, harassment, fraud, csam, terrorist_content, unlawful_content, privacy, excessive_use, blocklist, ddos_victim, email_auth_failure, opt_out, other */
                        category: string;
                        /** @description only for reports from this e-mail domain, e.g. shadowserver.org */
                        sender?: string;
                        note?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            mapping: {
                                id: number;
                                format: string;
                                label: string;
                                sender: string | null;
                                category: string;
                                note: string | null;
                                created_by: string;
                                created_at: string;
                            };
                            open_cases: {
                                id: number;
                                events: number;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/category-mappings/{id}/apply": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reclassify the open cases that wait for this rule */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            mapping: {
                                id: number;
                                format: string;
                                label: string;
                                sender: string | null;
                                category: string;
                                note: string | null;
                                created_by: string;
                                created_at: string;
                            };
                            cases: {
                                id: number;
                                category: string;
                                /** @description events filed again under the new category */
                                events: number;
                                /** @description the cases they went into */
                                cases: number[];
                                /** @description this case was closed: nothing was left in it */
                                closed: boolean;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/category-mappings/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a mapping rule */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            format: string;
                            label: string;
                            sender: string | null;
                            category: string;
                            note: string | null;
                            created_by: string;
                            created_at: string;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/actions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    /** @description a comma-separated list of states */
                    state?: string;
                    brand?: string;
                    case_id?: number;
                    step?: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action";
                    order_id?: number;
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: number;
                                case_id: number;
                                brand: string;
                                customer: {
                                    id: string;
                                    name: string;
                                } | null;
                                /** @enum {string} */
                                step: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action";
                                proposed_step: string | null;
                                /** @enum {string} */
                                state: "pending" | "awaiting_approval" | "approved" | "executing" | "done" | "failed" | "refused" | "cancelled" | "undone";
                                requested_by: string;
                                approved_by: string | null;
                                reason: string | null;
                                note: string | null;
                                params: unknown;
                                clause: {
                                    document: string;
                                    article: string;
                                    quote: string;
                                } | null;
                                order_id: number | null;
                                /** @description the case is under an authority's gag: nothing goes to the customer */
                                gagged: boolean;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                approved_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                done_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                undone_at: string | null;
                                /** @description when the measure is lifted by itself (the profile's term) */
                                lift_at: string | null;
                                closed: {
                                    by: string;
                                    reason: string | null;
                                    /** @description ISO 8601 date-time (UTC) */
                                    at: string;
                                } | null;
                                undoable: boolean;
                                execution: {
                                    /** @description sent as Idempotency-Key on every attempt of this call */
                                    idempotency_key: string;
                                    /** @description null: a person carries it out and marks it done */
                                    connector: string | null;
                                    by_hand: boolean;
                                    /** @enum {string} */
                                    state: "queued" | "executing" | "done" | "failed";
                                    attempts: number;
                                    /** @description ISO 8601 date-time (UTC) */
                                    next_attempt_at: string | null;
                                    last_status: number | null;
                                    last_error: string | null;
                                    /** @description what the connector answered (the first 4 KiB) */
                                    answer: string | null;
                                    requested_by: string;
                                    reason: string | null;
                                    /** @description ISO 8601 date-time (UTC) */
                                    created_at: string;
                                    /** @description ISO 8601 date-time (UTC) */
                                    started_at: string | null;
                                    /** @description ISO 8601 date-time (UTC) */
                                    finished_at: string | null;
                                    done_by: string | null;
                                    note: string | null;
                                } | null;
                                undo: {
                                    /** @description sent as Idempotency-Key on every attempt of this call */
                                    idempotency_key: string;
                                    /** @description null: a person carries it out and marks it done */
                                    connector: string | null;
                                    by_hand: boolean;
                                    /** @enum {string} */
                                    state: "queued" | "executing" | "done" | "failed";
                                    attempts: number;
                                    /** @description ISO 8601 date-time (UTC) */
                                    next_attempt_at: string | null;
                                    last_status: number | null;
                                    last_error: string | null;
                                    /** @description what the connector answered (the first 4 KiB) */
                                    answer: string | null;
                                    requested_by: string;
                                    reason: string | null;
                                    /** @description ISO 8601 date-time (UTC) */
                                    created_at: string;
                                    /** @description ISO 8601 date-time (UTC) */
                                    started_at: string | null;
                                    /** @description ISO 8601 date-time (UTC) */
                                    finished_at: string | null;
                                    done_by: string | null;
                                    note: string | null;
                                } | null;
                                history?: {
                                    /** @description ISO 8601 date-time (UTC) */
                                    at: string;
                                    actor: string;
                                    action: string;
                                    details: unknown;
                                }[];
                            }[];
                            next_cursor: string | null;
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/actions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            case_id: number;
                            brand: string;
                            customer: {
                                id: string;
                                name: string;
                            } | null;
                            /** @enum {string} */
                            step: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action";
                            proposed_step: string | null;
                            /** @enum {string} */
                            state: "pending" | "awaiting_approval" | "approved" | "executing" | "done" | "failed" | "refused" | "cancelled" | "undone";
                            requested_by: string;
                            approved_by: string | null;
                            reason: string | null;
                            note: string | null;
                            params: unknown;
                            clause: {
                                document: string;
                                article: string;
                                quote: string;
                            } | null;
                            order_id: number | null;
                            /** @description the case is under an authority's gag: nothing goes to the customer */
                            gagged: boolean;
                            /** @description ISO 8601 date-time (UTC) */
                            created_at: string;
                            /** @description ISO 8601 date-time (UTC) */
                            approved_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            done_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            undone_at: string | null;
                            /** @description when the measure is lifted by itself (the profile's term) */
                            lift_at: string | null;
                            closed: {
                                by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                            } | null;
                            undoable: boolean;
                            execution: {
                                /** @description sent as Idempotency-Key on every attempt of this call */
                                idempotency_key: string;
                                /** @description null: a person carries it out and marks it done */
                                connector: string | null;
                                by_hand: boolean;
                                /** @enum {string} */
                                state: "queued" | "executing" | "done" | "failed";
                                attempts: number;
                                /** @description ISO 8601 date-time (UTC) */
                                next_attempt_at: string | null;
                                last_status: number | null;
                                last_error: string | null;
                                /** @description what the connector answered (the first 4 KiB) */
                                answer: string | null;
                                requested_by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                started_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                finished_at: string | null;
                                done_by: string | null;
                                note: string | null;
                            } | null;
                            undo: {
                                /** @description sent as Idempotency-Key on every attempt of this call */
                                idempotency_key: string;
                                /** @description null: a person carries it out and marks it done */
                                connector: string | null;
                                by_hand: boolean;
                                /** @enum {string} */
                                state: "queued" | "executing" | "done" | "failed";
                                attempts: number;
                                /** @description ISO 8601 date-time (UTC) */
                                next_attempt_at: string | null;
                                last_status: number | null;
                                last_error: string | null;
                                /** @description what the connector answered (the first 4 KiB) */
                                answer: string | null;
                                requested_by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                started_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                finished_at: string | null;
                                done_by: string | null;
                                note: string | null;
                            } | null;
                            history?: {
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                                actor: string;
                                action: string;
                                details: unknown;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/actions/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        note?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            case_id: number;
                            brand: string;
                            customer: {
                                id: string;
                                name: string;
                            } | null;
                            /** @enum {string} */
                            step: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action";
                            proposed_step: string | null;
                            /** @enum {string} */
                            state: "pending" | "awaiting_approval" | "approved" | "executing" | "done" | "failed" | "refused" | "cancelled" | "undone";
                            requested_by: string;
                            approved_by: string | null;
                            reason: string | null;
                            note: string | null;
                            params: unknown;
                            clause: {
                                document: string;
                                article: string;
                                quote: string;
                            } | null;
                            order_id: number | null;
                            /** @description the case is under an authority's gag: nothing goes to the customer */
                            gagged: boolean;
                            /** @description ISO 8601 date-time (UTC) */
                            created_at: string;
                            /** @description ISO 8601 date-time (UTC) */
                            approved_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            done_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            undone_at: string | null;
                            /** @description when the measure is lifted by itself (the profile's term) */
                            lift_at: string | null;
                            closed: {
                                by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                            } | null;
                            undoable: boolean;
                            execution: {
                                /** @description sent as Idempotency-Key on every attempt of this call */
                                idempotency_key: string;
                                /** @description null: a person carries it out and marks it done */
                                connector: string | null;
                                by_hand: boolean;
                                /** @enum {string} */
                                state: "queued" | "executing" | "done" | "failed";
                                attempts: number;
                                /** @description ISO 8601 date-time (UTC) */
                                next_attempt_at: string | null;
                                last_status: number | null;
                                last_error: string | null;
                                /** @description what the connector answered (the first 4 KiB) */
                                answer: string | null;
                                requested_by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                started_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                finished_at: string | null;
                                done_by: string | null;
                                note: string | null;
                            } | null;
                            undo: {
                                /** @description sent as Idempotency-Key on every attempt of this call */
                                idempotency_key: string;
                                /** @description null: a person carries it out and marks it done */
                                connector: string | null;
                                by_hand: boolean;
                                /** @enum {string} */
                                state: "queued" | "executing" | "done" | "failed";
                                attempts: number;
                                /** @description ISO 8601 date-time (UTC) */
                                next_attempt_at: string | null;
                                last_status: number | null;
                                last_error: string | null;
                                /** @description what the connector answered (the first 4 KiB) */
                                answer: string | null;
                                requested_by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                started_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                finished_at: string | null;
                                done_by: string | null;
                                note: string | null;
                            } | null;
                            history?: {
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                                actor: string;
                                action: string;
                                details: unknown;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/actions/{id}/refuse": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            case_id: number;
                            brand: string;
                            customer: {
                                id: string;
                                name: string;
                            } | null;
                            /** @enum {string} */
                            step: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action";
                            proposed_step: string | null;
                            /** @enum {string} */
                            state: "pending" | "awaiting_approval" | "approved" | "executing" | "done" | "failed" | "refused" | "cancelled" | "undone";
                            requested_by: string;
                            approved_by: string | null;
                            reason: string | null;
                            note: string | null;
                            params: unknown;
                            clause: {
                                document: string;
                                article: string;
                                quote: string;
                            } | null;
                            order_id: number | null;
                            /** @description the case is under an authority's gag: nothing goes to the customer */
                            gagged: boolean;
                            /** @description ISO 8601 date-time (UTC) */
                            created_at: string;
                            /** @description ISO 8601 date-time (UTC) */
                            approved_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            done_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            undone_at: string | null;
                            /** @description when the measure is lifted by itself (the profile's term) */
                            lift_at: string | null;
                            closed: {
                                by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                            } | null;
                            undoable: boolean;
                            execution: {
                                /** @description sent as Idempotency-Key on every attempt of this call */
                                idempotency_key: string;
                                /** @description null: a person carries it out and marks it done */
                                connector: string | null;
                                by_hand: boolean;
                                /** @enum {string} */
                                state: "queued" | "executing" | "done" | "failed";
                                attempts: number;
                                /** @description ISO 8601 date-time (UTC) */
                                next_attempt_at: string | null;
                                last_status: number | null;
                                last_error: string | null;
                                /** @description what the connector answered (the first 4 KiB) */
                                answer: string | null;
                                requested_by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                started_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                finished_at: string | null;
                                done_by: string | null;
                                note: string | null;
                            } | null;
                            undo: {
                                /** @description sent as Idempotency-Key on every attempt of this call */
                                idempotency_key: string;
                                /** @description null: a person carries it out and marks it done */
                                connector: string | null;
                                by_hand: boolean;
                                /** @enum {string} */
                                state: "queued" | "executing" | "done" | "failed";
                                attempts: number;
                                /** @description ISO 8601 date-time (UTC) */
                                next_attempt_at: string | null;
                                last_status: number | null;
                                last_error: string | null;
                                /** @description what the connector answered (the first 4 KiB) */
                                answer: string | null;
                                requested_by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                started_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                finished_at: string | null;
                                done_by: string | null;
                                note: string | null;
                            } | null;
                            history?: {
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                                actor: string;
                                action: string;
                                details: unknown;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/actions/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            case_id: number;
                            brand: string;
                            customer: {
                                id: string;
                                name: string;
                            } | null;
                            /** @enum {string} */
                            step: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action";
                            proposed_step: string | null;
                            /** @enum {string} */
                            state: "pending" | "awaiting_approval" | "approved" | "executing" | "done" | "failed" | "refused" | "cancelled" | "undone";
                            requested_by: string;
                            approved_by: string | null;
                            reason: string | null;
                            note: string | null;
                            params: unknown;
                            clause: {
                                document: string;
                                article: string;
                                quote: string;
                            } | null;
                            order_id: number | null;
                            /** @description the case is under an authority's gag: nothing goes to the customer */
                            gagged: boolean;
                            /** @description ISO 8601 date-time (UTC) */
                            created_at: string;
                            /** @description ISO 8601 date-time (UTC) */
                            approved_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            done_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            undone_at: string | null;
                            /** @description when the measure is lifted by itself (the profile's term) */
                            lift_at: string | null;
                            closed: {
                                by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                            } | null;
                            undoable: boolean;
                            execution: {
                                /** @description sent as Idempotency-Key on every attempt of this call */
                                idempotency_key: string;
                                /** @description null: a person carries it out and marks it done */
                                connector: string | null;
                                by_hand: boolean;
                                /** @enum {string} */
                                state: "queued" | "executing" | "done" | "failed";
                                attempts: number;
                                /** @description ISO 8601 date-time (UTC) */
                                next_attempt_at: string | null;
                                last_status: number | null;
                                last_error: string | null;
                                /** @description what the connector answered (the first 4 KiB) */
                                answer: string | null;
                                requested_by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                started_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                finished_at: string | null;
                                done_by: string | null;
                                note: string | null;
                            } | null;
                            undo: {
                                /** @description sent as Idempotency-Key on every attempt of this call */
                                idempotency_key: string;
                                /** @description null: a person carries it out and marks it done */
                                connector: string | null;
                                by_hand: boolean;
                                /** @enum {string} */
                                state: "queued" | "executing" | "done" | "failed";
                                attempts: number;
                                /** @description ISO 8601 date-time (UTC) */
                                next_attempt_at: string | null;
                                last_status: number | null;
                                last_error: string | null;
                                /** @description what the connector answered (the first 4 KiB) */
                                answer: string | null;
                                requested_by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                started_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                finished_at: string | null;
                                done_by: string | null;
                                note: string | null;
                            } | null;
                            history?: {
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                                actor: string;
                                action: string;
                                details: unknown;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/actions/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            case_id: number;
                            brand: string;
                            customer: {
                                id: string;
                                name: string;
                            } | null;
                            /** @enum {string} */
                            step: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action";
                            proposed_step: string | null;
                            /** @enum {string} */
                            state: "pending" | "awaiting_approval" | "approved" | "executing" | "done" | "failed" | "refused" | "cancelled" | "undone";
                            requested_by: string;
                            approved_by: string | null;
                            reason: string | null;
                            note: string | null;
                            params: unknown;
                            clause: {
                                document: string;
                                article: string;
                                quote: string;
                            } | null;
                            order_id: number | null;
                            /** @description the case is under an authority's gag: nothing goes to the customer */
                            gagged: boolean;
                            /** @description ISO 8601 date-time (UTC) */
                            created_at: string;
                            /** @description ISO 8601 date-time (UTC) */
                            approved_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            done_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            undone_at: string | null;
                            /** @description when the measure is lifted by itself (the profile's term) */
                            lift_at: string | null;
                            closed: {
                                by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                            } | null;
                            undoable: boolean;
                            execution: {
                                /** @description sent as Idempotency-Key on every attempt of this call */
                                idempotency_key: string;
                                /** @description null: a person carries it out and marks it done */
                                connector: string | null;
                                by_hand: boolean;
                                /** @enum {string} */
                                state: "queued" | "executing" | "done" | "failed";
                                attempts: number;
                                /** @description ISO 8601 date-time (UTC) */
                                next_attempt_at: string | null;
                                last_status: number | null;
                                last_error: string | null;
                                /** @description what the connector answered (the first 4 KiB) */
                                answer: string | null;
                                requested_by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                started_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                finished_at: string | null;
                                done_by: string | null;
                                note: string | null;
                            } | null;
                            undo: {
                                /** @description sent as Idempotency-Key on every attempt of this call */
                                idempotency_key: string;
                                /** @description null: a person carries it out and marks it done */
                                connector: string | null;
                                by_hand: boolean;
                                /** @enum {string} */
                                state: "queued" | "executing" | "done" | "failed";
                                attempts: number;
                                /** @description ISO 8601 date-time (UTC) */
                                next_attempt_at: string | null;
                                last_status: number | null;
                                last_error: string | null;
                                /** @description what the connector answered (the first 4 KiB) */
                                answer: string | null;
                                requested_by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                started_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                finished_at: string | null;
                                done_by: string | null;
                                note: string | null;
                            } | null;
                            history?: {
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                                actor: string;
                                action: string;
                                details: unknown;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/actions/{id}/undo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            case_id: number;
                            brand: string;
                            customer: {
                                id: string;
                                name: string;
                            } | null;
                            /** @enum {string} */
                            step: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action";
                            proposed_step: string | null;
                            /** @enum {string} */
                            state: "pending" | "awaiting_approval" | "approved" | "executing" | "done" | "failed" | "refused" | "cancelled" | "undone";
                            requested_by: string;
                            approved_by: string | null;
                            reason: string | null;
                            note: string | null;
                            params: unknown;
                            clause: {
                                document: string;
                                article: string;
                                quote: string;
                            } | null;
                            order_id: number | null;
                            /** @description the case is under an authority's gag: nothing goes to the customer */
                            gagged: boolean;
                            /** @description ISO 8601 date-time (UTC) */
                            created_at: string;
                            /** @description ISO 8601 date-time (UTC) */
                            approved_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            done_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            undone_at: string | null;
                            /** @description when the measure is lifted by itself (the profile's term) */
                            lift_at: string | null;
                            closed: {
                                by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                            } | null;
                            undoable: boolean;
                            execution: {
                                /** @description sent as Idempotency-Key on every attempt of this call */
                                idempotency_key: string;
                                /** @description null: a person carries it out and marks it done */
                                connector: string | null;
                                by_hand: boolean;
                                /** @enum {string} */
                                state: "queued" | "executing" | "done" | "failed";
                                attempts: number;
                                /** @description ISO 8601 date-time (UTC) */
                                next_attempt_at: string | null;
                                last_status: number | null;
                                last_error: string | null;
                                /** @description what the connector answered (the first 4 KiB) */
                                answer: string | null;
                                requested_by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                started_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                finished_at: string | null;
                                done_by: string | null;
                                note: string | null;
                            } | null;
                            undo: {
                                /** @description sent as Idempotency-Key on every attempt of this call */
                                idempotency_key: string;
                                /** @description null: a person carries it out and marks it done */
                                connector: string | null;
                                by_hand: boolean;
                                /** @enum {string} */
                                state: "queued" | "executing" | "done" | "failed";
                                attempts: number;
                                /** @description ISO 8601 date-time (UTC) */
                                next_attempt_at: string | null;
                                last_status: number | null;
                                last_error: string | null;
                                /** @description what the connector answered (the first 4 KiB) */
                                answer: string | null;
                                requested_by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                started_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                finished_at: string | null;
                                done_by: string | null;
                                note: string | null;
                            } | null;
                            history?: {
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                                actor: string;
                                action: string;
                                details: unknown;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/actions/{id}/done": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description what was done by hand */
                        note: string;
                        /** @description for data provision: required */
                        provision?: {
                            /** @description what data was given */
                            what: string;
                            /** @description to whom */
                            given_to: string;
                            /** @description default: the order's legal basis */
                            legal_basis?: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            case_id: number;
                            brand: string;
                            customer: {
                                id: string;
                                name: string;
                            } | null;
                            /** @enum {string} */
                            step: "warn" | "request_information" | "notice_of_default" | "suspend" | "block" | "remove_content" | "downgrade" | "terminate" | "refer_to_authority" | "provide_data" | "no_action";
                            proposed_step: string | null;
                            /** @enum {string} */
                            state: "pending" | "awaiting_approval" | "approved" | "executing" | "done" | "failed" | "refused" | "cancelled" | "undone";
                            requested_by: string;
                            approved_by: string | null;
                            reason: string | null;
                            note: string | null;
                            params: unknown;
                            clause: {
                                document: string;
                                article: string;
                                quote: string;
                            } | null;
                            order_id: number | null;
                            /** @description the case is under an authority's gag: nothing goes to the customer */
                            gagged: boolean;
                            /** @description ISO 8601 date-time (UTC) */
                            created_at: string;
                            /** @description ISO 8601 date-time (UTC) */
                            approved_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            done_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            undone_at: string | null;
                            /** @description when the measure is lifted by itself (the profile's term) */
                            lift_at: string | null;
                            closed: {
                                by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                            } | null;
                            undoable: boolean;
                            execution: {
                                /** @description sent as Idempotency-Key on every attempt of this call */
                                idempotency_key: string;
                                /** @description null: a person carries it out and marks it done */
                                connector: string | null;
                                by_hand: boolean;
                                /** @enum {string} */
                                state: "queued" | "executing" | "done" | "failed";
                                attempts: number;
                                /** @description ISO 8601 date-time (UTC) */
                                next_attempt_at: string | null;
                                last_status: number | null;
                                last_error: string | null;
                                /** @description what the connector answered (the first 4 KiB) */
                                answer: string | null;
                                requested_by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                started_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                finished_at: string | null;
                                done_by: string | null;
                                note: string | null;
                            } | null;
                            undo: {
                                /** @description sent as Idempotency-Key on every attempt of this call */
                                idempotency_key: string;
                                /** @description null: a person carries it out and marks it done */
                                connector: string | null;
                                by_hand: boolean;
                                /** @enum {string} */
                                state: "queued" | "executing" | "done" | "failed";
                                attempts: number;
                                /** @description ISO 8601 date-time (UTC) */
                                next_attempt_at: string | null;
                                last_status: number | null;
                                last_error: string | null;
                                /** @description what the connector answered (the first 4 KiB) */
                                answer: string | null;
                                requested_by: string;
                                reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                started_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                finished_at: string | null;
                                done_by: string | null;
                                note: string | null;
                            } | null;
                            history?: {
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                                actor: string;
                                action: string;
                                details: unknown;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/complied": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            undoing: number[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    state?: "open" | "unread" | "all";
                    brand?: string;
                    case_id?: number;
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: number;
                                /** @enum {string} */
                                kind: "supervisor_escalation" | "measure_failed";
                                case: {
                                    id: number;
                                    brand: string;
                                    kind: string;
                                    state: string;
                                    customer: {
                                        id: string;
                                        name: string;
                                    } | null;
                                };
                                summary: string;
                                details: unknown;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                delivered_at: string | null;
                                read: {
                                    by: string | null;
                                    /** @description ISO 8601 date-time (UTC) */
                                    at: string;
                                } | null;
                                acknowledged: {
                                    by: string | null;
                                    /** @description ISO 8601 date-time (UTC) */
                                    at: string;
                                    note: string | null;
                                } | null;
                            }[];
                            next_cursor: string | null;
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notifications/{id}/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            /** @enum {string} */
                            kind: "supervisor_escalation" | "measure_failed";
                            case: {
                                id: number;
                                brand: string;
                                kind: string;
                                state: string;
                                customer: {
                                    id: string;
                                    name: string;
                                } | null;
                            };
                            summary: string;
                            details: unknown;
                            /** @description ISO 8601 date-time (UTC) */
                            created_at: string;
                            /** @description ISO 8601 date-time (UTC) */
                            delivered_at: string | null;
                            read: {
                                by: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                            } | null;
                            acknowledged: {
                                by: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                                note: string | null;
                            } | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notifications/{id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        note?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            /** @enum {string} */
                            kind: "supervisor_escalation" | "measure_failed";
                            case: {
                                id: number;
                                brand: string;
                                kind: string;
                                state: string;
                                customer: {
                                    id: string;
                                    name: string;
                                } | null;
                            };
                            summary: string;
                            details: unknown;
                            /** @description ISO 8601 date-time (UTC) */
                            created_at: string;
                            /** @description ISO 8601 date-time (UTC) */
                            delivered_at: string | null;
                            read: {
                                by: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                            } | null;
                            acknowledged: {
                                by: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                at: string;
                                note: string | null;
                            } | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    authority?: "police" | "public_prosecutor" | "court" | "atkm" | "offlimits" | "tco_authority" | "other";
                    state?: "open" | "executed";
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: number;
                                /** @enum {string} */
                                authority: "police" | "public_prosecutor" | "court" | "atkm" | "offlimits" | "tco_authority" | "other";
                                authority_name: string;
                                reference: string;
                                /** @description ISO 8601 date-time (UTC) */
                                received_at: string;
                                legal_basis: string;
                                subjects: string[];
                                requested: string[];
                                category: string;
                                gag: boolean;
                                contact: {
                                    name?: string;
                                    email?: string;
                                    phone?: string;
                                };
                                report_id: number;
                                created_by: string;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                deadline: {
                                    /** @description ISO 8601 date-time (UTC) */
                                    due_at: string;
                                    source: string;
                                    /** @description the deadline the order itself stated */
                                    stated: string | null;
                                    /** @description ISO 8601 date-time (UTC) */
                                    half_term_at: string;
                                    /** @enum {string} */
                                    state: "open" | "overdue" | "met" | "missed";
                                    /** @description true: executed in time; false: late or overdue; null: still open */
                                    met: boolean | null;
                                };
                                /** @description ISO 8601 date-time (UTC) */
                                executed_at: string | null;
                                took_seconds: number | null;
                                /** @description subjects no customer of ours held */
                                unresolved: string[];
                                cases?: {
                                    id: number;
                                    brand: string;
                                    customer: {
                                        id: string;
                                        name: string;
                                    } | null;
                                    state: string;
                                    gag: boolean;
                                }[];
                                actions?: {
                                    id: number;
                                    case_id: number;
                                    step: string;
                                    state: string;
                                    /** @description ISO 8601 date-time (UTC) */
                                    done_at: string | null;
                                }[];
                                holds?: {
                                    id: number;
                                    case_id: number | null;
                                    customer_id: string | null;
                                    subjects: string[];
                                    legal_basis: string;
                                    /** @description ISO 8601 date-time (UTC) */
                                    held_from: string;
                                    /** @description ISO 8601 date-time (UTC) */
                                    held_until: string | null;
                                    active: boolean;
                                    /** @description ISO 8601 date-time (UTC) */
                                    released_at: string | null;
                                    released_by: string | null;
                                    release_reason: string | null;
                                }[];
                                provisions?: {
                                    id: number;
                                    case_id: number;
                                    action_id: number | null;
                                    what: string;
                                    given_to: string;
                                    legal_basis: string;
                                    /** @description ISO 8601 date-time (UTC) */
                                    given_at: string;
                                    recorded_by: string;
                                }[];
                            }[];
                            next_cursor: string | null;
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        authority: "police" | "public_prosecutor" | "court" | "atkm" | "offlimits" | "tco_authority" | "other";
                        /** @description the authority's reference of the order */
                        reference: string;
                        /** @description e.g. Regulation (EU) 2021/784 art. 3 */
                        legal_basis: string;
                        /** @description URLs, IP addresses, domains, e-mail addresses or phone numbers the order is about */
                        subjects: string[];
                        requested: ("remove_content" | "block" | "suspend" | "terminate" | "provide_data" | "preserve_data")[];
                        /**
                         * Format: date-time
                         * @description the term the order sets, if it sets one
                         */
                        deadline_at?: string;
                        /**
                         * @description the order forbids telling the customer
                         * @default false
                         */
                        gag?: boolean;
                        /** @description who at the authority to answer: { name, email, phone } or one text */
                        contact: string | {
                            name?: string;
                            /** Format: email */
                            email?: string;
                            phone?: string;
                        };
                        /** @enum {string} */
                        category?: "spam" | "phishing" | "malware" | "botnet" | "compromised_server" | "ddos" | "brute_force" | "port_scan" | "open_relay" | "open_service" | "copyright" | "trademark" | "defamation" | "harassment" | "fraud" | "csam" | "terrorist_content" | "unlawful_content" | "privacy" | "excessive_use" | "blocklist" | "ddos_victim" | "email_auth_failure" | "opt_out" | "other";
                        brand?: string;
                        /**
                         * Format: date-time
                         * @description preserve_data: when the hold ends (default: until released)
                         */
                        preserve_until?: string;
                        /** Format: date-time */
                        received_at: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            /** @enum {string} */
                            authority: "police" | "public_prosecutor" | "court" | "atkm" | "offlimits" | "tco_authority" | "other";
                            authority_name: string;
                            reference: string;
                            /** @description ISO 8601 date-time (UTC) */
                            received_at: string;
                            legal_basis: string;
                            subjects: string[];
                            requested: string[];
                            category: string;
                            gag: boolean;
                            contact: {
                                name?: string;
                                email?: string;
                                phone?: string;
                            };
                            report_id: number;
                            created_by: string;
                            /** @description ISO 8601 date-time (UTC) */
                            created_at: string;
                            deadline: {
                                /** @description ISO 8601 date-time (UTC) */
                                due_at: string;
                                source: string;
                                /** @description the deadline the order itself stated */
                                stated: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                half_term_at: string;
                                /** @enum {string} */
                                state: "open" | "overdue" | "met" | "missed";
                                /** @description true: executed in time; false: late or overdue; null: still open */
                                met: boolean | null;
                            };
                            /** @description ISO 8601 date-time (UTC) */
                            executed_at: string | null;
                            took_seconds: number | null;
                            /** @description subjects no customer of ours held */
                            unresolved: string[];
                            cases?: {
                                id: number;
                                brand: string;
                                customer: {
                                    id: string;
                                    name: string;
                                } | null;
                                state: string;
                                gag: boolean;
                            }[];
                            actions?: {
                                id: number;
                                case_id: number;
                                step: string;
                                state: string;
                                /** @description ISO 8601 date-time (UTC) */
                                done_at: string | null;
                            }[];
                            holds?: {
                                id: number;
                                case_id: number | null;
                                customer_id: string | null;
                                subjects: string[];
                                legal_basis: string;
                                /** @description ISO 8601 date-time (UTC) */
                                held_from: string;
                                /** @description ISO 8601 date-time (UTC) */
                                held_until: string | null;
                                active: boolean;
                                /** @description ISO 8601 date-time (UTC) */
                                released_at: string | null;
                                released_by: string | null;
                                release_reason: string | null;
                            }[];
                            provisions?: {
                                id: number;
                                case_id: number;
                                action_id: number | null;
                                what: string;
                                given_to: string;
                                legal_basis: string;
                                /** @description ISO 8601 date-time (UTC) */
                                given_at: string;
                                recorded_by: string;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports/{id}/order": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        authority: "police" | "public_prosecutor" | "court" | "atkm" | "offlimits" | "tco_authority" | "other";
                        /** @description the authority's reference of the order */
                        reference: string;
                        /** @description e.g. Regulation (EU) 2021/784 art. 3 */
                        legal_basis: string;
                        /** @description URLs, IP addresses, domains, e-mail addresses or phone numbers the order is about */
                        subjects: string[];
                        requested: ("remove_content" | "block" | "suspend" | "terminate" | "provide_data" | "preserve_data")[];
                        /**
                         * Format: date-time
                         * @description the term the order sets, if it sets one
                         */
                        deadline_at?: string;
                        /**
                         * @description the order forbids telling the customer
                         * @default false
                         */
                        gag?: boolean;
                        /** @description who at the authority to answer: { name, email, phone } or one text */
                        contact: string | {
                            name?: string;
                            /** Format: email */
                            email?: string;
                            phone?: string;
                        };
                        /** @enum {string} */
                        category?: "spam" | "phishing" | "malware" | "botnet" | "compromised_server" | "ddos" | "brute_force" | "port_scan" | "open_relay" | "open_service" | "copyright" | "trademark" | "defamation" | "harassment" | "fraud" | "csam" | "terrorist_content" | "unlawful_content" | "privacy" | "excessive_use" | "blocklist" | "ddos_victim" | "email_auth_failure" | "opt_out" | "other";
                        brand?: string;
                        /**
                         * Format: date-time
                         * @description preserve_data: when the hold ends (default: until released)
                         */
                        preserve_until?: string;
                        /**
                         * Format: date-time
                         * @description default: when the report was received
                         */
                        received_at?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            /** @enum {string} */
                            authority: "police" | "public_prosecutor" | "court" | "atkm" | "offlimits" | "tco_authority" | "other";
                            authority_name: string;
                            reference: string;
                            /** @description ISO 8601 date-time (UTC) */
                            received_at: string;
                            legal_basis: string;
                            subjects: string[];
                            requested: string[];
                            category: string;
                            gag: boolean;
                            contact: {
                                name?: string;
                                email?: string;
                                phone?: string;
                            };
                            report_id: number;
                            created_by: string;
                            /** @description ISO 8601 date-time (UTC) */
                            created_at: string;
                            deadline: {
                                /** @description ISO 8601 date-time (UTC) */
                                due_at: string;
                                source: string;
                                /** @description the deadline the order itself stated */
                                stated: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                half_term_at: string;
                                /** @enum {string} */
                                state: "open" | "overdue" | "met" | "missed";
                                /** @description true: executed in time; false: late or overdue; null: still open */
                                met: boolean | null;
                            };
                            /** @description ISO 8601 date-time (UTC) */
                            executed_at: string | null;
                            took_seconds: number | null;
                            /** @description subjects no customer of ours held */
                            unresolved: string[];
                            cases?: {
                                id: number;
                                brand: string;
                                customer: {
                                    id: string;
                                    name: string;
                                } | null;
                                state: string;
                                gag: boolean;
                            }[];
                            actions?: {
                                id: number;
                                case_id: number;
                                step: string;
                                state: string;
                                /** @description ISO 8601 date-time (UTC) */
                                done_at: string | null;
                            }[];
                            holds?: {
                                id: number;
                                case_id: number | null;
                                customer_id: string | null;
                                subjects: string[];
                                legal_basis: string;
                                /** @description ISO 8601 date-time (UTC) */
                                held_from: string;
                                /** @description ISO 8601 date-time (UTC) */
                                held_until: string | null;
                                active: boolean;
                                /** @description ISO 8601 date-time (UTC) */
                                released_at: string | null;
                                released_by: string | null;
                                release_reason: string | null;
                            }[];
                            provisions?: {
                                id: number;
                                case_id: number;
                                action_id: number | null;
                                what: string;
                                given_to: string;
                                legal_basis: string;
                                /** @description ISO 8601 date-time (UTC) */
                                given_at: string;
                                recorded_by: string;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            /** @enum {string} */
                            authority: "police" | "public_prosecutor" | "court" | "atkm" | "offlimits" | "tco_authority" | "other";
                            authority_name: string;
                            reference: string;
                            /** @description ISO 8601 date-time (UTC) */
                            received_at: string;
                            legal_basis: string;
                            subjects: string[];
                            requested: string[];
                            category: string;
                            gag: boolean;
                            contact: {
                                name?: string;
                                email?: string;
                                phone?: string;
                            };
                            report_id: number;
                            created_by: string;
                            /** @description ISO 8601 date-time (UTC) */
                            created_at: string;
                            deadline: {
                                /** @description ISO 8601 date-time (UTC) */
                                due_at: string;
                                source: string;
                                /** @description the deadline the order itself stated */
                                stated: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                half_term_at: string;
                                /** @enum {string} */
                                state: "open" | "overdue" | "met" | "missed";
                                /** @description true: executed in time; false: late or overdue; null: still open */
                                met: boolean | null;
                            };
                            /** @description ISO 8601 date-time (UTC) */
                            executed_at: string | null;
                            took_seconds: number | null;
                            /** @description subjects no customer of ours held */
                            unresolved: string[];
                            cases?: {
                                id: number;
                                brand: string;
                                customer: {
                                    id: string;
                                    name: string;
                                } | null;
                                state: string;
                                gag: boolean;
                            }[];
                            actions?: {
                                id: number;
                                case_id: number;
                                step: string;
                                state: string;
                                /** @description ISO 8601 date-time (UTC) */
                                done_at: string | null;
                            }[];
                            holds?: {
                                id: number;
                                case_id: number | null;
                                customer_id: string | null;
                                subjects: string[];
                                legal_basis: string;
                                /** @description ISO 8601 date-time (UTC) */
                                held_from: string;
                                /** @description ISO 8601 date-time (UTC) */
                                held_until: string | null;
                                active: boolean;
                                /** @description ISO 8601 date-time (UTC) */
                                released_at: string | null;
                                released_by: string | null;
                                release_reason: string | null;
                            }[];
                            provisions?: {
                                id: number;
                                case_id: number;
                                action_id: number | null;
                                what: string;
                                given_to: string;
                                legal_basis: string;
                                /** @description ISO 8601 date-time (UTC) */
                                given_at: string;
                                recorded_by: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/holds/{id}/release": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            released_at: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        party: "reporter" | "customer" | "authority" | "other";
                        /** @description a template name, e.g. notice, reminder */
                        template?: string;
                        /** @description your own subject (with body) */
                        subject?: string;
                        /** @description your own words (with subject) */
                        body?: string;
                        /** @enum {string} */
                        language?: "nl" | "en" | "fr";
                        /** @description authority/other: the addresses; reporter: some of the case's reporters (default: all) */
                        to?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: number;
                                /** @enum {string} */
                                direction: "out" | "in";
                                /** @enum {string} */
                                party: "reporter" | "customer" | "authority" | "other";
                                from: string | null;
                                to: string[];
                                subject: string | null;
                                template: string | null;
                                language: string | null;
                                /** @enum {string} */
                                state: "held" | "queued" | "sent" | "failed" | "received";
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                sent_at: string | null;
                                case_id: number | null;
                                /** @description in: the report that holds the raw mail; out: the report it answers */
                                report_id: number | null;
                                /**
                                 * @description why a failed message did not reach its reader
                                 * @enum {string|null}
                                 */
                                failure: "refused" | "bounced" | "withheld" | "no_address" | "gave_up" | null;
                                /** @description the relay's or the composer's last word on it */
                                error: string | null;
                                attempts: number;
                                /** @description the text as sent (portal links masked); null until composed */
                                body: string | null;
                                message_id: string;
                                in_reply_to: string | null;
                                references: string[];
                                /** @description deadlines it meets once sent */
                                meets: string[];
                                actor: string;
                                attachments: {
                                    id: number;
                                    filename: string;
                                    size: number;
                                    sha256: string;
                                    /** @description download (served as an attachment, never shown inline) */
                                    url: string;
                                }[];
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    state?: "held" | "queued" | "sent" | "failed" | "received";
                    case_id?: number;
                    party?: "reporter" | "customer" | "authority" | "other";
                    brand?: string;
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: number;
                                /** @enum {string} */
                                direction: "out" | "in";
                                /** @enum {string} */
                                party: "reporter" | "customer" | "authority" | "other";
                                from: string | null;
                                to: string[];
                                subject: string | null;
                                template: string | null;
                                language: string | null;
                                /** @enum {string} */
                                state: "held" | "queued" | "sent" | "failed" | "received";
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                sent_at: string | null;
                                case_id: number | null;
                                /** @description in: the report that holds the raw mail; out: the report it answers */
                                report_id: number | null;
                                /**
                                 * @description why a failed message did not reach its reader
                                 * @enum {string|null}
                                 */
                                failure: "refused" | "bounced" | "withheld" | "no_address" | "gave_up" | null;
                                /** @description the relay's or the composer's last word on it */
                                error: string | null;
                                attempts: number;
                            }[];
                            next_cursor: string | null;
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/messages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            /** @enum {string} */
                            direction: "out" | "in";
                            /** @enum {string} */
                            party: "reporter" | "customer" | "authority" | "other";
                            from: string | null;
                            to: string[];
                            subject: string | null;
                            template: string | null;
                            language: string | null;
                            /** @enum {string} */
                            state: "held" | "queued" | "sent" | "failed" | "received";
                            /** @description ISO 8601 date-time (UTC) */
                            created_at: string;
                            /** @description ISO 8601 date-time (UTC) */
                            sent_at: string | null;
                            case_id: number | null;
                            /** @description in: the report that holds the raw mail; out: the report it answers */
                            report_id: number | null;
                            /**
                             * @description why a failed message did not reach its reader
                             * @enum {string|null}
                             */
                            failure: "refused" | "bounced" | "withheld" | "no_address" | "gave_up" | null;
                            /** @description the relay's or the composer's last word on it */
                            error: string | null;
                            attempts: number;
                            /** @description the text as sent (portal links masked); null until composed */
                            body: string | null;
                            message_id: string;
                            in_reply_to: string | null;
                            references: string[];
                            /** @description deadlines it meets once sent */
                            meets: string[];
                            actor: string;
                            attachments: {
                                id: number;
                                filename: string;
                                size: number;
                                sha256: string;
                                /** @description download (served as an attachment, never shown inline) */
                                url: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/messages/{id}/attachments/{attachmentId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                    attachmentId: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/messages/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            /** @enum {string} */
                            direction: "out" | "in";
                            /** @enum {string} */
                            party: "reporter" | "customer" | "authority" | "other";
                            from: string | null;
                            to: string[];
                            subject: string | null;
                            template: string | null;
                            language: string | null;
                            /** @enum {string} */
                            state: "held" | "queued" | "sent" | "failed" | "received";
                            /** @description ISO 8601 date-time (UTC) */
                            created_at: string;
                            /** @description ISO 8601 date-time (UTC) */
                            sent_at: string | null;
                            case_id: number | null;
                            /** @description in: the report that holds the raw mail; out: the report it answers */
                            report_id: number | null;
                            /**
                             * @description why a failed message did not reach its reader
                             * @enum {string|null}
                             */
                            failure: "refused" | "bounced" | "withheld" | "no_address" | "gave_up" | null;
                            /** @description the relay's or the composer's last word on it */
                            error: string | null;
                            attempts: number;
                            /** @description the text as sent (portal links masked); null until composed */
                            body: string | null;
                            message_id: string;
                            in_reply_to: string | null;
                            references: string[];
                            /** @description deadlines it meets once sent */
                            meets: string[];
                            actor: string;
                            attachments: {
                                id: number;
                                filename: string;
                                size: number;
                                sha256: string;
                                /** @description download (served as an attachment, never shown inline) */
                                url: string;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/portal/links": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    customer?: string;
                    report?: number;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: number;
                                /** @enum {string} */
                                kind: "customer" | "reporter";
                                brand: string;
                                customer: string | null;
                                report_id: number | null;
                                message_id: number | null;
                                /** @description ISO 8601 date-time (UTC) */
                                created_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                expires_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                revoked_at: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                last_used_at: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/portal/links/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            /** @enum {string} */
                            kind: "customer" | "reporter";
                            brand: string;
                            customer: string | null;
                            report_id: number | null;
                            message_id: number | null;
                            /** @description ISO 8601 date-time (UTC) */
                            created_at: string;
                            /** @description ISO 8601 date-time (UTC) */
                            expires_at: string;
                            /** @description ISO 8601 date-time (UTC) */
                            revoked_at: string | null;
                            /** @description ISO 8601 date-time (UTC) */
                            last_used_at: string | null;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/privacy/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Everything held about a person or customer, as a ZIP of JSON and the raw reports */
        get: {
            parameters: {
                query: {
                    subject: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/privacy/erase": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Erase a reporter's personal data (where the law allows), with the reason recorded */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        subject: string;
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            erased: {
                                reporters: number;
                                reports: number;
                                messages: number;
                                notices: number;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/statements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Statements of reasons of the restrictions carried out, as Transparency Database JSON lines */
        get: {
            parameters: {
                query: {
                    from: string;
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Notices with their procedures, newest first */
        get: {
            parameters: {
                query?: {
                    state?: "received" | "incomplete" | "assessment" | "forwarded" | "reaction_forwarded" | "decided" | "lapsed";
                    brand?: string;
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: number;
                                reference: string;
                                brand: string;
                                /** @enum {string} */
                                channel: "form" | "api" | "mail";
                                report_id: number;
                                /** @description ISO 8601 date-time (UTC) */
                                received_at: string;
                                /** @description the least advanced procedure's state; not_hosted when no location is ours */
                                state: string;
                                category: string;
                                locations: string[];
                                unresolved: string[];
                                explanation: string | null;
                                legal_ground: string | null;
                                interest: string | null;
                                good_faith: boolean;
                                missing: string[];
                                trusted: boolean;
                                anonymous: boolean;
                                notifier: {
                                    reporter_id: number | null;
                                    name: string | null;
                                    email: string | null;
                                    role: string | null;
                                };
                                procedures: {
                                    case_id: number;
                                    location: string;
                                    customer: string | null;
                                    /** @enum {string} */
                                    state: "received" | "incomplete" | "assessment" | "forwarded" | "reaction_forwarded" | "decided" | "lapsed";
                                    /** @description ISO 8601 date-time (UTC) */
                                    state_since: string;
                                    case_state: string;
                                    due: {
                                        name: string;
                                        /** @description ISO 8601 date-time (UTC) */
                                        due_at: string;
                                        source: string;
                                    } | null;
                                    /** @description ISO 8601 date-time (UTC) */
                                    forwarded_at: string | null;
                                    reaction: string | null;
                                    /** @description ISO 8601 date-time (UTC) */
                                    reaction_at: string | null;
                                    rebuttal: string | null;
                                    /** @description ISO 8601 date-time (UTC) */
                                    rebuttal_at: string | null;
                                    /** @enum {string|null} */
                                    decision: "upheld" | "to_court" | "rejected" | null;
                                    /** @enum {string|null} */
                                    decision_basis: "manifest" | "law" | "order" | "terms" | "assessment" | null;
                                    decision_reason: string | null;
                                    decision_ground: unknown;
                                    manifestly_unfounded: boolean;
                                    /** @description ISO 8601 date-time (UTC) */
                                    decided_at: string | null;
                                    decided_by: string | null;
                                    action_id: number | null;
                                }[];
                                complaints: {
                                    id: number;
                                    case_id: number;
                                    notice_id: number;
                                    /** @enum {string} */
                                    complainant: "notifier" | "customer";
                                    channel: string;
                                    text: string;
                                    /** @description ISO 8601 date-time (UTC) */
                                    received_at: string;
                                    /** @description ISO 8601 date-time (UTC) */
                                    due_at: string;
                                    recorded_by: string;
                                    /** @enum {string|null} */
                                    outcome: "upheld" | "reversed" | "modified" | null;
                                    outcome_reason: string | null;
                                    /** @description ISO 8601 date-time (UTC) */
                                    decided_at: string | null;
                                    decided_by: string | null;
                                }[];
                                files: {
                                    id: number;
                                    filename: string;
                                    size: number;
                                    sha256: string;
                                }[];
                            }[];
                            next_cursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Submit a notice (it enters the NTD procedure) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        brand: string;
                        /**
                         * @description what the content is said to be (copyright, defamation, csam, …)
                         * @enum {string}
                         */
                        category: "spam" | "phishing" | "malware" | "botnet" | "compromised_server" | "ddos" | "brute_force" | "port_scan" | "open_relay" | "open_service" | "copyright" | "trademark" | "defamation" | "harassment" | "fraud" | "csam" | "terrorist_content" | "unlawful_content" | "privacy" | "excessive_use" | "blocklist" | "ddos_victim" | "email_auth_failure" | "opt_out" | "other";
                        /** @description the exact URLs of the content (DSA art. 16(2)(b)) */
                        locations: string[];
                        /** @description why it is unlawful (art. 16(2)(a)) */
                        explanation?: string;
                        notifier?: {
                            name?: string;
                            /** Format: email */
                            email?: string;
                            org?: string;
                            /** @description rights_holder, victim, representative, authority, other */
                            role?: string;
                        };
                        /** @description the notifier's interest (NTD code) */
                        interest?: string;
                        /** @description the legal ground claimed (NTD code) */
                        legal_ground?: string;
                        /**
                         * @description the statement of art. 16(2)(d)
                         * @default false
                         */
                        good_faith?: boolean;
                        /** @enum {string} */
                        language?: "nl" | "en";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            reference: string;
                            brand: string;
                            /** @enum {string} */
                            channel: "form" | "api" | "mail";
                            report_id: number;
                            /** @description ISO 8601 date-time (UTC) */
                            received_at: string;
                            /** @description the least advanced procedure's state; not_hosted when no location is ours */
                            state: string;
                            category: string;
                            locations: string[];
                            unresolved: string[];
                            explanation: string | null;
                            legal_ground: string | null;
                            interest: string | null;
                            good_faith: boolean;
                            missing: string[];
                            trusted: boolean;
                            anonymous: boolean;
                            notifier: {
                                reporter_id: number | null;
                                name: string | null;
                                email: string | null;
                                role: string | null;
                            };
                            procedures: {
                                case_id: number;
                                location: string;
                                customer: string | null;
                                /** @enum {string} */
                                state: "received" | "incomplete" | "assessment" | "forwarded" | "reaction_forwarded" | "decided" | "lapsed";
                                /** @description ISO 8601 date-time (UTC) */
                                state_since: string;
                                case_state: string;
                                due: {
                                    name: string;
                                    /** @description ISO 8601 date-time (UTC) */
                                    due_at: string;
                                    source: string;
                                } | null;
                                /** @description ISO 8601 date-time (UTC) */
                                forwarded_at: string | null;
                                reaction: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                reaction_at: string | null;
                                rebuttal: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                rebuttal_at: string | null;
                                /** @enum {string|null} */
                                decision: "upheld" | "to_court" | "rejected" | null;
                                /** @enum {string|null} */
                                decision_basis: "manifest" | "law" | "order" | "terms" | "assessment" | null;
                                decision_reason: string | null;
                                decision_ground: unknown;
                                manifestly_unfounded: boolean;
                                /** @description ISO 8601 date-time (UTC) */
                                decided_at: string | null;
                                decided_by: string | null;
                                action_id: number | null;
                            }[];
                            complaints: {
                                id: number;
                                case_id: number;
                                notice_id: number;
                                /** @enum {string} */
                                complainant: "notifier" | "customer";
                                channel: string;
                                text: string;
                                /** @description ISO 8601 date-time (UTC) */
                                received_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                due_at: string;
                                recorded_by: string;
                                /** @enum {string|null} */
                                outcome: "upheld" | "reversed" | "modified" | null;
                                outcome_reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                decided_at: string | null;
                                decided_by: string | null;
                            }[];
                            files: {
                                id: number;
                                filename: string;
                                size: number;
                                sha256: string;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the notice's id or its reference (NTD-2026-000042) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            reference: string;
                            brand: string;
                            /** @enum {string} */
                            channel: "form" | "api" | "mail";
                            report_id: number;
                            /** @description ISO 8601 date-time (UTC) */
                            received_at: string;
                            /** @description the least advanced procedure's state; not_hosted when no location is ours */
                            state: string;
                            category: string;
                            locations: string[];
                            unresolved: string[];
                            explanation: string | null;
                            legal_ground: string | null;
                            interest: string | null;
                            good_faith: boolean;
                            missing: string[];
                            trusted: boolean;
                            anonymous: boolean;
                            notifier: {
                                reporter_id: number | null;
                                name: string | null;
                                email: string | null;
                                role: string | null;
                            };
                            procedures: {
                                case_id: number;
                                location: string;
                                customer: string | null;
                                /** @enum {string} */
                                state: "received" | "incomplete" | "assessment" | "forwarded" | "reaction_forwarded" | "decided" | "lapsed";
                                /** @description ISO 8601 date-time (UTC) */
                                state_since: string;
                                case_state: string;
                                due: {
                                    name: string;
                                    /** @description ISO 8601 date-time (UTC) */
                                    due_at: string;
                                    source: string;
                                } | null;
                                /** @description ISO 8601 date-time (UTC) */
                                forwarded_at: string | null;
                                reaction: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                reaction_at: string | null;
                                rebuttal: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                rebuttal_at: string | null;
                                /** @enum {string|null} */
                                decision: "upheld" | "to_court" | "rejected" | null;
                                /** @enum {string|null} */
                                decision_basis: "manifest" | "law" | "order" | "terms" | "assessment" | null;
                                decision_reason: string | null;
                                decision_ground: unknown;
                                manifestly_unfounded: boolean;
                                /** @description ISO 8601 date-time (UTC) */
                                decided_at: string | null;
                                decided_by: string | null;
                                action_id: number | null;
                            }[];
                            complaints: {
                                id: number;
                                case_id: number;
                                notice_id: number;
                                /** @enum {string} */
                                complainant: "notifier" | "customer";
                                channel: string;
                                text: string;
                                /** @description ISO 8601 date-time (UTC) */
                                received_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                due_at: string;
                                recorded_by: string;
                                /** @enum {string|null} */
                                outcome: "upheld" | "reversed" | "modified" | null;
                                outcome_reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                decided_at: string | null;
                                decided_by: string | null;
                            }[];
                            files: {
                                id: number;
                                filename: string;
                                size: number;
                                sha256: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notices/{id}/files/{file}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A file sent with a notice, as a download (never opened) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the notice's id or its reference (NTD-2026-000042) */
                    id: string;
                    file: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notices/{id}/steps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Take a step of the procedure (complete, lapse, act, forward, forward_reaction, rebuttal, decide)
         * @description act and decide need the approve permission (supervisor, legal, admin).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the notice's id or its reference (NTD-2026-000042) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        step: "complete" | "lapse" | "act" | "forward" | "forward_reaction" | "rebuttal" | "decide";
                        cases?: number[];
                        reason?: string;
                        /** @enum {string} */
                        decision?: "upheld" | "to_court" | "rejected";
                        /** @enum {string} */
                        basis?: "manifest" | "law" | "order" | "terms" | "assessment";
                        ground?: {
                            /** @enum {string} */
                            kind: "law" | "terms";
                            document: string;
                            article?: string;
                            quote?: string;
                        };
                        manifestly_unfounded?: boolean;
                        content_removed?: boolean;
                        text?: string;
                        consent?: {
                            notifier: boolean;
                            customer: boolean;
                        };
                        supplied?: {
                            explanation?: string;
                            name?: string;
                            /** Format: email */
                            email?: string;
                            legal_ground?: string;
                            interest?: string;
                            good_faith?: boolean;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            reference: string;
                            brand: string;
                            /** @enum {string} */
                            channel: "form" | "api" | "mail";
                            report_id: number;
                            /** @description ISO 8601 date-time (UTC) */
                            received_at: string;
                            /** @description the least advanced procedure's state; not_hosted when no location is ours */
                            state: string;
                            category: string;
                            locations: string[];
                            unresolved: string[];
                            explanation: string | null;
                            legal_ground: string | null;
                            interest: string | null;
                            good_faith: boolean;
                            missing: string[];
                            trusted: boolean;
                            anonymous: boolean;
                            notifier: {
                                reporter_id: number | null;
                                name: string | null;
                                email: string | null;
                                role: string | null;
                            };
                            procedures: {
                                case_id: number;
                                location: string;
                                customer: string | null;
                                /** @enum {string} */
                                state: "received" | "incomplete" | "assessment" | "forwarded" | "reaction_forwarded" | "decided" | "lapsed";
                                /** @description ISO 8601 date-time (UTC) */
                                state_since: string;
                                case_state: string;
                                due: {
                                    name: string;
                                    /** @description ISO 8601 date-time (UTC) */
                                    due_at: string;
                                    source: string;
                                } | null;
                                /** @description ISO 8601 date-time (UTC) */
                                forwarded_at: string | null;
                                reaction: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                reaction_at: string | null;
                                rebuttal: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                rebuttal_at: string | null;
                                /** @enum {string|null} */
                                decision: "upheld" | "to_court" | "rejected" | null;
                                /** @enum {string|null} */
                                decision_basis: "manifest" | "law" | "order" | "terms" | "assessment" | null;
                                decision_reason: string | null;
                                decision_ground: unknown;
                                manifestly_unfounded: boolean;
                                /** @description ISO 8601 date-time (UTC) */
                                decided_at: string | null;
                                decided_by: string | null;
                                action_id: number | null;
                            }[];
                            complaints: {
                                id: number;
                                case_id: number;
                                notice_id: number;
                                /** @enum {string} */
                                complainant: "notifier" | "customer";
                                channel: string;
                                text: string;
                                /** @description ISO 8601 date-time (UTC) */
                                received_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                due_at: string;
                                recorded_by: string;
                                /** @enum {string|null} */
                                outcome: "upheld" | "reversed" | "modified" | null;
                                outcome_reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                decided_at: string | null;
                                decided_by: string | null;
                            }[];
                            files: {
                                id: number;
                                filename: string;
                                size: number;
                                sha256: string;
                            }[];
                            step: string;
                            changed: {
                                case_id: number;
                                from: string;
                                to: string;
                                action: number | null;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notices/{id}/complaints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record a party's complaint about a decision (DSA art. 20), e.g. one that came by mail */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the notice's id or its reference (NTD-2026-000042) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        case_id?: number;
                        /** @enum {string} */
                        complainant: "notifier" | "customer";
                        text: string;
                        /**
                         * @default api
                         * @enum {string}
                         */
                        channel?: "api" | "mail";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            case_id: number;
                            due_at: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/complaints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Complaints about decisions on notices, newest first */
        get: {
            parameters: {
                query?: {
                    state?: "open" | "decided";
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: number;
                                case_id: number;
                                notice_id: number;
                                /** @enum {string} */
                                complainant: "notifier" | "customer";
                                channel: string;
                                text: string;
                                /** @description ISO 8601 date-time (UTC) */
                                received_at: string;
                                /** @description ISO 8601 date-time (UTC) */
                                due_at: string;
                                recorded_by: string;
                                /** @enum {string|null} */
                                outcome: "upheld" | "reversed" | "modified" | null;
                                outcome_reason: string | null;
                                /** @description ISO 8601 date-time (UTC) */
                                decided_at: string | null;
                                decided_by: string | null;
                                reference: string;
                                brand: string;
                            }[];
                            next_cursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/complaints/{id}/outcome": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decide a complaint (by someone other than who decided the notice): upheld, reversed or modified */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        outcome: "upheld" | "reversed" | "modified";
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            outcome: string;
                            decision: string | null;
                            measure: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reporters/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A reporter: trusted flagger, notices, warnings, suspension */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            email: string | null;
                            name: string | null;
                            org: string | null;
                            kind: string;
                            trusted: boolean;
                            notices: {
                                notices: number;
                                upheld: number;
                                rejected: number;
                                unfounded: number;
                            };
                            notices_warned_at: string | null;
                            notices_suspended_until: string | null;
                            notices_suspension_reason: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reporters/{id}/trusted": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark a reporter a trusted flagger (DSA art. 22) or not */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        trusted: boolean;
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            email: string | null;
                            name: string | null;
                            org: string | null;
                            kind: string;
                            trusted: boolean;
                            notices: {
                                notices: number;
                                upheld: number;
                                rejected: number;
                                unfounded: number;
                            };
                            notices_warned_at: string | null;
                            notices_suspended_until: string | null;
                            notices_suspension_reason: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reporters/{id}/notice-suspension": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Suspend a notifier's notices until a moment (DSA art. 23(2)), or lift it with null */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * Format: date-time
                         * @description null lifts the suspension
                         */
                        until: string | null;
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            email: string | null;
                            name: string | null;
                            org: string | null;
                            kind: string;
                            trusted: boolean;
                            notices: {
                                notices: number;
                                upheld: number;
                                rejected: number;
                                unfounded: number;
                            };
                            notices_warned_at: string | null;
                            notices_suspended_until: string | null;
                            notices_suspension_reason: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/threat-to-life": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Flag a suspicion of a criminal offence involving a threat to life or safety (DSA art. 18) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            case_id: number;
                            due_at: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{id}/threat-to-life/reported": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record that the competent authority was informed of a flagged threat (DSA art. 18) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        authority?: string;
                        reference?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            case_id: number;
                            informed_at: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports/transparency": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Transparency figures for a period (DSA arts. 15 and 24) */
        get: {
            parameters: {
                query: {
                    from: string;
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/stats/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The dashboard: open work, deadlines, approvals, volumes, speed and top customers */
        get: {
            parameters: {
                query?: {
                    /** @description the period: the last N days */
                    days?: number;
                    /** @description the IANA time zone whose midnight ends 'today' (due_today) */
                    zone?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description open cases (GET /api/v1/cases) */
                            open: number;
                            /** @description open cases whose next deadline falls later today (zone) */
                            due_today: number;
                            /** @description open cases whose next deadline has passed */
                            overdue: number;
                            /** @description open cases with a step waiting for a second person */
                            awaiting_approval: number;
                            /** @description open cases of category other */
                            needs_classification: number;
                            /** @description reports in triage (GET /api/v1/reports?state=triage) */
                            triage: number;
                            from: string;
                            to: string;
                            /** @description cases opened per day (UTC) by category, brand and kind */
                            volumes: {
                                day: string;
                                category: string;
                                brand: string;
                                kind: string;
                                count: number;
                            }[];
                            /** @description median time from a case's opening to its first message out, over the period's cases */
                            median_first_reply_seconds: number | null;
                            /** @description median time from a case's opening to its first step taken, over the period's cases */
                            median_to_action_seconds: number | null;
                            /** @description the 10 customers with the most cases opened in the period */
                            top_customers: {
                                id: string;
                                name: string;
                                cases: number;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settings/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What the desk runs with: policy profiles, connectors, templates, retention (read-only) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description each brand's policy profile as loaded (its rules, ladders, terms and clauses) */
                            policies: {
                                brand: string;
                                profile: unknown;
                            }[];
                            /** @description the measure connectors (ABUSEDESK_CONNECTORS), without addresses or secrets */
                            connectors: {
                                id: string;
                                type: string;
                                steps: string[];
                                /** @description null: every brand */
                                brands: string[] | null;
                            }[];
                            /** @description the message templates as brand/name/language (desk/…: the desk's own) */
                            templates: string[];
                            /** @description how long personal data is kept (ABUSEDESK_RETENTION), with brands' own terms */
                            retention: {
                                /** @enum {string} */
                                kind: "raw_reports" | "messages" | "reporters" | "events";
                                days: number;
                                brands: {
                                    brand: string;
                                    days: number;
                                }[];
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/feeds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Submit a large feed (a Shadowserver CSV, plain or gzip) of any size; processed in batches
         * @description Answers 202 once every byte is stored, with the report in state `processing`; its progress is `processing.rows_done` at GET /api/v1/reports/:id. The same bytes again are the same report.
         */
        post: {
            parameters: {
                query?: {
                    brand?: string;
                    type?: string;
                    /** @description its file name (it may name the report type) */
                    filename?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Report"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inventory/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import the inventory CSV (whole or nothing); with sync=true the file is the whole truth for a brand
         * @description Columns: customer_id,customer_name,brand,contact_email,kind,value,valid_from,valid_to. A refused file answers 422 (bad rows) or 409 (conflicts with the stored inventory, or an empty sync without force) with every problem in `problems`.
         */
        post: {
            parameters: {
                query?: {
                    /** @description the file is the whole truth for the brand: what it no longer lists is closed */
                    sync?: "0" | "1" | "true" | "false" | "";
                    /** @description every row must be of this brand (and a sync is for it) */
                    brand?: string;
                    /** @description allow a sync with an empty file (closes every current resource of the brand) */
                    force?: "0" | "1" | "true" | "false" | "";
                    filename?: string;
                    /** @description work out what the import would change and answer it (`changes`), storing nothing */
                    preview?: "0" | "1" | "true" | "false" | "";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rows: number;
                            brand: string | null;
                            sync: boolean;
                            customers_created: number;
                            customers_updated: number;
                            customers_unchanged: number;
                            resources_added: number;
                            resources_closed: number;
                            resources_changed: number;
                            resources_unchanged: number;
                            /** @description null from the API: re-resolution runs as `job` (GET /api/v1/inventory/jobs/{id}) */
                            reresolved: {
                                examined: number;
                                matched: number;
                                more: boolean;
                            } | null;
                            /** @description the job re-resolving the events the new resources may cover; null when none was added */
                            job: {
                                id: string;
                                queue: string;
                                state: string;
                            } | null;
                            /** @description a preview's changes (?preview=true): at most 200 of each kind */
                            changes?: {
                                /** @enum {string} */
                                change: "add" | "close" | "change_end";
                                customer_id: string;
                                kind: string;
                                value: string;
                                valid_from: string;
                                valid_to: string | null;
                                was_valid_to?: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rows: number;
                            brand: string | null;
                            sync: boolean;
                            customers_created: number;
                            customers_updated: number;
                            customers_unchanged: number;
                            resources_added: number;
                            resources_closed: number;
                            resources_changed: number;
                            resources_unchanged: number;
                            /** @description null from the API: re-resolution runs as `job` (GET /api/v1/inventory/jobs/{id}) */
                            reresolved: {
                                examined: number;
                                matched: number;
                                more: boolean;
                            } | null;
                            /** @description the job re-resolving the events the new resources may cover; null when none was added */
                            job: {
                                id: string;
                                queue: string;
                                state: string;
                            } | null;
                            /** @description a preview's changes (?preview=true): at most 200 of each kind */
                            changes?: {
                                /** @enum {string} */
                                change: "add" | "close" | "change_end";
                                customer_id: string;
                                kind: string;
                                value: string;
                                valid_from: string;
                                valid_to: string | null;
                                was_valid_to?: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            statusCode: number;
                            message: string;
                            /** @default [] */
                            problems: {
                                row: number;
                                column: string | null;
                                message: string;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            statusCode: number;
                            message: string;
                            /** @default [] */
                            problems: {
                                row: number;
                                column: string | null;
                                message: string;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            statusCode: number;
                            message: string;
                            /** @default [] */
                            problems: {
                                row: number;
                                column: string | null;
                                message: string;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        EventInput: {
            id: number;
            /** @description one of the taxonomy's categories, e.g. spam, phishing */
            category: string;
            /** @enum {string} */
            kind: "abuse" | "ntd" | "authority";
            subject: {
                ip: string | null;
                port: number | null;
                url: string | null;
                domain: string | null;
                email: string | null;
                phone: string | null;
            };
            /** @description when the abuse happened (UTC) */
            occurred_at: string | null;
            customer: {
                id: string;
                name: string;
            } | null;
            /** @enum {string} */
            resolution: "matched" | "not_ours" | "pending";
            case_id: number | null;
            report_id: number;
            /** Format: date-time */
            received_at: string;
            brand: string | null;
            /** @description authority, CSAM or terrorist content: handled first */
            urgent: boolean;
            details: {
                [key: string]: unknown;
            };
        };
        ReportInput: {
            id: number;
            /** @enum {string} */
            channel: "smtp" | "imap" | "file" | "api" | "form" | "authority" | "collector";
            /** Format: date-time */
            received_at: string;
            sha256: string;
            message_id: string | null;
            subject: string | null;
            /**
             * @description processing until its events are stored
             * @enum {string}
             */
            state: "processing" | "parsed" | "triage" | "error";
            /** @description the same bytes were received before; this is that report */
            duplicate: boolean;
            /** @description waits for a person: see triage_reason */
            triage: boolean;
            triage_reason: string | null;
            /** @description what the report lacks to be complete */
            missing: string[];
            warnings: string[];
            format: string | null;
            brand: string | null;
            size: number;
            content_type: string | null;
            filename: string | null;
            mail_from: string | null;
            rcpt_to: string[];
            reporter: {
                id: number;
                email: string | null;
                name: string | null;
                org: string | null;
            } | null;
            event_count: number;
            /** @description the report's events (at most 1000 here; all of them at /api/v1/events?report_id=) */
            events: components["schemas"]["EventInput"][];
            /** @description ids of the cases its events went into */
            cases: number[];
            /** @description retries of a report whose processing failed; a streamed feed's progress */
            processing: {
                attempts: number;
                last_error: string | null;
                /** @description a large feed stored in chunks and processed in batches */
                streamed: boolean;
                /** @description a streamed feed: the rows its committed batches have done (its progress) */
                rows_done: number | null;
            };
        };
        ReportBodyInput: {
            subject: string | null;
            from: string | null;
            /** @description the mail's Date, ISO 8601 UTC */
            date: string | null;
            /** @description the report's text (a mail's text part, else its HTML as text) */
            text: string;
            /** @description the mail's HTML part, sanitised on the server: text, structure and http(s)/mailto links only; null without one */
            html: string | null;
            /** @description text or HTML was longer than shown: download the original */
            truncated: boolean;
        };
        Event: {
            id: number;
            /** @description one of the taxonomy's categories, e.g. spam, phishing */
            category: string;
            /** @enum {string} */
            kind: "abuse" | "ntd" | "authority";
            subject: {
                ip: string | null;
                port: number | null;
                url: string | null;
                domain: string | null;
                email: string | null;
                phone: string | null;
            };
            /** @description when the abuse happened (UTC) */
            occurred_at: string | null;
            customer: {
                id: string;
                name: string;
            } | null;
            /** @enum {string} */
            resolution: "matched" | "not_ours" | "pending";
            case_id: number | null;
            report_id: number;
            /** Format: date-time */
            received_at: string;
            brand: string | null;
            /** @description authority, CSAM or terrorist content: handled first */
            urgent: boolean;
            details: {
                [key: string]: unknown;
            };
        };
        Report: {
            id: number;
            /** @enum {string} */
            channel: "smtp" | "imap" | "file" | "api" | "form" | "authority" | "collector";
            /** Format: date-time */
            received_at: string;
            sha256: string;
            message_id: string | null;
            subject: string | null;
            /**
             * @description processing until its events are stored
             * @enum {string}
             */
            state: "processing" | "parsed" | "triage" | "error";
            /** @description the same bytes were received before; this is that report */
            duplicate: boolean;
            /** @description waits for a person: see triage_reason */
            triage: boolean;
            triage_reason: string | null;
            /** @description what the report lacks to be complete */
            missing: string[];
            warnings: string[];
            format: string | null;
            brand: string | null;
            size: number;
            content_type: string | null;
            filename: string | null;
            mail_from: string | null;
            rcpt_to: string[];
            reporter: {
                id: number;
                email: string | null;
                name: string | null;
                org: string | null;
            } | null;
            event_count: number;
            /** @description the report's events (at most 1000 here; all of them at /api/v1/events?report_id=) */
            events: components["schemas"]["Event"][];
            /** @description ids of the cases its events went into */
            cases: number[];
            /** @description retries of a report whose processing failed; a streamed feed's progress */
            processing: {
                attempts: number;
                last_error: string | null;
                /** @description a large feed stored in chunks and processed in batches */
                streamed: boolean;
                /** @description a streamed feed: the rows its committed batches have done (its progress) */
                rows_done: number | null;
            };
        };
        ReportBody: {
            subject: string | null;
            from: string | null;
            /** @description the mail's Date, ISO 8601 UTC */
            date: string | null;
            /** @description the report's text (a mail's text part, else its HTML as text) */
            text: string;
            /** @description the mail's HTML part, sanitised on the server: text, structure and http(s)/mailto links only; null without one */
            html: string | null;
            /** @description text or HTML was longer than shown: download the original */
            truncated: boolean;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
