//! Every code a core error can carry, with its kind and its English template.
//!
//! One list, so that [`Code::ALL`] is the type itself: the language-file test reads it, and a
//! code added here without its `error.<code>` text in `ui/i18n/en.json` and `fr.json` fails
//! that test. A code is `area.field.what` (or `area.what`); the template's `{name}`
//! placeholders are the error's params (with `+ [...]`, values it carries besides them, that
//! another language's sentence may use). The generic `*.other` codes carry the older errors
//! that hold only an English text (`{message}`).

use super::ErrorKind;

macro_rules! codes {
    ($($name:ident: $kind:ident, $code:literal => $template:literal $(+ [$($more:literal),*])?;)*) => {
        /// A stable name for what went wrong; the window words it from `error.<code>`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $(#[doc = $template] $name,)*
        }

        impl Code {
            /// Every code, in the order of the list.
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            /// The dotted name (`person.date_of_birth.in_future`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $code,)*
                }
            }

            /// The English text, with `{name}` placeholders for the params.
            pub fn template(self) -> &'static str {
                match self {
                    $(Code::$name => $template,)*
                }
            }

            /// The values this code carries besides its template's placeholders, for a language
            /// whose sentence needs other words than the English one.
            pub fn more_params(self) -> &'static [&'static str] {
                match self {
                    $(Code::$name => &[$($($more),*)?],)*
                }
            }

            /// The kind of error that carries this code.
            pub fn kind(self) -> ErrorKind {
                match self {
                    $(Code::$name => ErrorKind::$kind,)*
                }
            }
        }
    };
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

codes! {
    // The older errors, which hold only an English text, and failures of the machine.
    ValidationOther: Validation, "validation.other" => "{message}";
    NotFoundOther: NotFound, "not_found.other" => "{message}";
    ConflictOther: Conflict, "conflict.other" => "{message}";
    ForbiddenOther: Forbidden, "forbidden.other" => "{message}";
    LockedOther: Locked, "locked.other" => "{message}";
    ConfirmOther: Confirm, "confirm.other" => "{message}";
    InternalOther: Internal, "internal.other" => "{message}";
    InternalDatabase: Internal, "internal.database" => "Database error: {detail}";
    InternalUpgrade: Internal, "internal.upgrade" => "Database upgrade failed: {detail}";
    InternalFile: Internal, "internal.file" => "File error: {detail}";
    DatabaseBusy: Conflict, "database.busy" => "Database error: {detail}";
    AccessPassphraseWrong: Locked, "access.passphrase.wrong" => "The passphrase is not right for this database.";

    // Checks every area uses (fields.rs).
    TextTooLongAny: Validation, "text.too_long_any" => "This text is too long (at most {max} characters).";
    TextHidden: Validation, "text.hidden_character" => "This text holds {what} (U+{codepoint}) at character {position}: retype it without pasting.";
    TextOneLine: Validation, "text.one_line" => "{label} must be on one line.";
    TextTooLong: Validation, "text.too_long" => "{label} is too long (at most {max} characters).";
    NameNotLatin: Validation, "name.not_latin" => "{label} is in {script} letters: type it in \"{elsewhere}\", and here as it is spelled in Latin letters (as on their papers).";
    DateNotADate: Validation, "date.not_a_date" => "{date} is not a date: check the day and the month (year-month-day).";
    DateOutOfRange: Validation, "date.out_of_range" => "Enter a date between {first} and {last} ({date} is not).";
    ValueUnknown: Validation, "value.unknown" => "Unknown value \"{value}\".";
    PhoneInvalid: Validation, "phone.invalid" => "Enter the phone number with 6 to 15 digits, like +33 6 12 34 56 78.";
    QuantityNotPositive: Validation, "quantity.not_positive" => "Enter {what} (more than 0).";
    QuantityNegative: Validation, "quantity.negative" => "Enter {what} (0 or more).";
    QuantityTooLarge: Validation, "quantity.too_large" => "Enter {what}: at most {max} at a time ({quantity} is more than any delivery).";
    EmailInvalid: Validation, "email.invalid" => "Enter a whole email address, like name@example.org.";

    // People.
    PersonNotFound: NotFound, "person.not_found" => "That person is not in the case book.";
    PersonGivenNameMissing: Validation, "person.given_name.missing" => "Enter the person's given name in Latin letters.";
    PersonDateOfBirthInFuture: Validation, "person.date_of_birth.in_future" => "The date of birth is in the future.";
    PersonDateOfBirthTooOld: Validation, "person.date_of_birth.too_old" => "The date of birth is more than 120 years ago.";
    PersonEstimatedAgeOutOfRange: Validation, "person.estimated_age.out_of_range" => "Enter an age between 0 and 120.";
    PersonSiteNotInUse: Validation, "person.site.not_in_use" => "The site {site} is not in use.";
    PersonSiteAlreadyThere: Validation, "person.site.already_there" => "This person is already at {site}.";

    // Stock receipts.
    StockReceiptSourceWrong: Validation, "stock.receipt.source.wrong" => "A receipt is a donation or a purchase.";
    StockReceiptFundNotPurchase: Validation, "stock.receipt.fund.not_purchase" => "Only a purchase is paid from a fund.";
    StockReceiptUnitCostMissing: Validation, "stock.receipt.unit_cost.missing" => "Enter what one unit cost.";
    StockReceiptUnitCostNegative: Validation, "stock.receipt.unit_cost.negative" => "The cost cannot be negative.";
    StockReceiptUnitCostTooLarge: Validation, "stock.receipt.unit_cost.too_large" => "The cost of one unit is at most £100,000: enter it in pence.";
    StockReceiptExpiresOnMissing: Validation, "stock.receipt.expires_on.missing" => "Enter the expiry date of this {item}.";
    StockReceiptBatchOtherExpiry: Validation, "stock.receipt.batch.other_expiry" => "Batch {batch} is already recorded with another expiry date; check the label.";
    StockItemUnknown: Validation, "stock.item.unknown" => "There is no item \"{item}\" in the catalogue.";
    StockLocationUnknown: Validation, "stock.location.unknown" => "That stock location does not exist.";
    StockVariantNone: Validation, "stock.variant.none" => "{item} has no sizes.";
    StockVariantMissing: Validation, "stock.variant.missing" => "Choose the size of {item}.";
    StockVariantUnknown: Validation, "stock.variant.unknown" => "{item} comes in sizes {sizes}.";

    // Volunteers.
    VolunteerGivenNameMissing: Validation, "volunteer.given_name.missing" => "Enter the volunteer's given name.";
    VolunteerSkillUnknown: Validation, "volunteer.skills.unknown" => "\"{skill}\" is not a skill the centre records.";
    VolunteerDepartureBeforeArrival: Validation, "volunteer.departure_on.before_arrival" => "The departure date must be on or after the arrival date.";
    VolunteerStayTooShort: Validation, "volunteer.departure_on.stay_too_short" => "The stay is {days} days: volunteers stay at least {min} days, unless they are approved to bring a named structured activity (workshop, puppet show, music).";
    VolunteerSiteMissing: Validation, "volunteer.site.missing" => "Choose the volunteer's site.";
    VolunteerOtherSiteUnknown: Validation, "volunteer.other_sites.unknown" => "There is no site \"{site}\".";
    VolunteerShiftsOutsideStay: Validation, "volunteer.departure_on.shifts_outside" => "{count} shift(s) on the rota fall outside these dates: take them off the rota first.";
    VolunteerNotFound: NotFound, "volunteer.not_found" => "There is no such volunteer.";

    // Criminal-record checks (DBS and the other issuers).
    CheckLevelMissing: Validation, "check.level.missing" => "Choose the level of the {issuer}.";
    CheckLevelUnknown: Validation, "check.level.unknown" => "A {issuer} has no level \"{level}\" (levels: {levels}).";
    CheckNumberDigits: Validation, "check.certificate_number.digits" => "A {issuer} {number_label} is {digits} digits.";
    CheckNumberReference: Validation, "check.certificate_number.reference" => "A {issuer} {number_label} is {min} to {max} letters, digits, spaces, slashes, dashes or dots.";
    CheckIssuedOnInFuture: Validation, "check.issued_on.in_future" => "The issue date cannot be in the future.";
    CheckVerifiedOnOutside: Validation, "check.verified_on.outside" => "The date it was seen must be between the issue date and today.";
    CheckWorkforceMissing: Validation, "check.workforce.missing" => "Choose the workforce: children, adults or both.";
    CheckBarredNotChecked: Validation, "check.barred.not_checked" => "Barred lists are not checked on a {level}.";
    CheckUpdateServiceNotDbs: Validation, "check.update_service.not_dbs" => "The Update Service is for DBS certificates, not a {issuer}.";
    CheckUpdateServiceIdMissing: Validation, "check.update_service_id.missing" => "Enter the Update Service id to record a status check.";
    CheckUpdateCheckedOnOutside: Validation, "check.update_checked_on.outside" => "The status check must be between the issue date and today.";
    CheckRenewalNotPvg: Validation, "check.renewal_on.not_pvg" => "Only PVG membership has a renewal date.";
    CheckRenewalBeforeIssue: Validation, "check.renewal_on.before_issue" => "The renewal date must be after the issue date.";
    CheckCountryMissing: Validation, "check.country.missing" => "Enter the country that issued the certificate.";
    CheckDocumentMissing: Validation, "check.document.missing" => "Enter the document's name as printed on it.";
    CheckAuthenticityMissing: Validation, "check.authenticity.missing" => "Say how the certificate's authenticity was checked.";
    CheckCountryNotForeign: Validation, "check.country.not_foreign" => "Country and document are for a certificate from another country.";
    CheckPrintedBirthDateAfterIssue: Validation, "check.printed_birth_date.after_issue" => "The date of birth must be before the issue date.";

    DbsNumberDigits: Validation, "dbs.certificate_number.digits" => "Enter the certificate number: 12 digits, like 001234567890.";
    DbsBarredNotEnhanced: Validation, "dbs.barred.not_enhanced" => "Barred lists are only checked on an enhanced check with barred list.";
    DbsRecordNotFound: NotFound, "dbs.not_found" => "There is no such DBS record.";
    DbsNotOnUpdateService: Validation, "dbs.checked_on.not_on_update_service" => "This certificate is not on the Update Service.";

    // Privacy: subject access, erasure, retention.
    PrivacyAlreadyAnonymised: Conflict, "privacy.already_anonymised" => "This person's record is already anonymised.";
    PrivacyJsonPathMissing: Validation, "privacy.json_path.missing" => "Choose where to save the person's data.";
    PrivacyNotEncoded: Internal, "privacy.not_encoded" => "Could not encode the data: {detail}";
    PrivacyEraseUnconfirmed: Validation, "privacy.confirm.missing" => "Confirm the erasure: the name, contact details, notes and checklist are removed for good.";
    RetentionPeriodTooLong: Validation, "retention.period.too_long" => "That retention period is too long.";

    // Backups and restoring one.
    BackupSharedPassphrase: Conflict, "backup.shared_passphrase" => "This database is opened by one shared passphrase; sign in again to back it up.";
    BackupOtherKey: Validation, "backup.file.other_key" => "This backup was made with another key: it is not this centre's.";
    BackupOutExists: Validation, "backup.out.exists" => "{path} already exists: choose a new file name.";
    BackupFolderNotMade: Validation, "backup.out.folder_not_made" => "Could not make the folder {folder}: {detail}.";
    RestoreNoFile: Validation, "restore.file.missing" => "There is no file at {path}.";
    RestoreUnfinishedBackup: Validation, "restore.file.unfinished" => "{name} is an unfinished backup: a backup stopped before its end leaves a .part file. Choose another backup (the backups folder keeps the newest ones).";
    RestoreTooSmall: Validation, "restore.file.too_small" => "{name} is not a Haven backup: it holds {bytes} bytes, and the smallest backup holds thousands. Choose another backup (the backups folder keeps the newest ones).";
    RestoreUnreadable: Validation, "restore.file.unreadable" => "{name} cannot be read as a Haven backup: it is damaged or cut short ({detail}). Choose another backup (the backups folder keeps the newest ones).";
    RestoreDamaged: Validation, "restore.file.damaged" => "The backup {name} is damaged: {detail}. Choose another backup (the backups folder keeps the newest ones).";
    RestoreNoHavenData: Validation, "restore.file.no_haven_data" => "{name} is not a Haven backup: it holds no Haven data. Choose another backup (the backups folder keeps the newest ones).";
    RestoreNewerSchema: Validation, "restore.file.newer_schema" => "The backup's schema (version {version}) is newer than this Haven's: restore it with the newer Haven that made it.";
    RestoreNotHaven: Validation, "restore.file.not_haven" => "The file is not a Haven database.";
    RestoreNoLead: Validation, "restore.file.no_lead" => "The backup has no lead who can sign in.";
    RestoreCopyDamaged: Validation, "restore.file.copy_damaged" => "The restored copy is damaged: {detail}.";
    RestoreLeadOnly: Forbidden, "restore.lead_only" => "Only a lead can restore a backup.";
    RestoreOwnPassphrase: Conflict, "restore.own_passphrase" => "Sign in with your own passphrase first.";

    // Weeks and times.
    WeekInvalid: Validation, "week.invalid" => "Enter the week as year and week number, like 2026-W48 (not \"{week}\").";
    TimeInvalid: Validation, "time.invalid" => "Enter the time as hours and minutes, like 09:30 or 14:00.";

    // Shifts and the rota.
    RotaSiteMissing: Validation, "rota.site.missing" => "Choose a site.";
    RotaSessionUnknown: Validation, "rota.session.unknown" => "There is no such activity session.";
    RotaSessionOtherSite: Validation, "rota.session.other_site" => "That session is at another site.";
    RotaOnDateNotHeld: Validation, "rota.on_date.not_held" => "\"{title}\" is not held on {day}.";
    RotaOnDateCancelled: Validation, "rota.on_date.cancelled" => "\"{title}\" is cancelled on {day}.";
    RotaTimesOfSession: Validation, "rota.times.of_session" => "A shift for \"{title}\" keeps the session's times ({starts}–{ends}). Leave the times empty, or add a separate shift for setting up.";
    RotaEndsBeforeStart: Validation, "rota.ends_at.before_start" => "The shift must end after it starts.";
    RotaRoleMissing: Validation, "rota.role.missing" => "Say what the shift is for, like Front desk or Children's play.";
    RotaNeededOutOfRange: Validation, "rota.needed.out_of_range" => "A shift needs from 1 to 50 volunteers.";
    RotaShiftNotFound: NotFound, "rota.shift.not_found" => "There is no such shift.";
    RotaShiftCancelled: Validation, "rota.shift.cancelled" => "\"{role}\" on {day} is cancelled: its session is not held then.";
    RotaAlreadyOnShift: Conflict, "rota.volunteer.already_on_shift" => "{name} is already on this shift.";
    RotaShiftFull: Conflict, "rota.shift.full" => "This shift already has the {needed} volunteer(s) it needs.";
    RotaVolunteerLeft: Validation, "rota.volunteer.left" => "{name} has left: only approved volunteers go on the rota.";
    RotaVolunteerNotApproved: Validation, "rota.volunteer.not_approved" => "{name} is not approved yet: only approved volunteers go on the rota.";
    RotaOutsideStay: Validation, "rota.volunteer.outside_stay" => "The shift on {day} is outside {name}'s stay ({stay}).";
    RotaOtherSite: Validation, "rota.volunteer.other_site" => "{name} does not work at this shift's site.";
    RotaOverlap: Conflict, "rota.volunteer.overlap" => "{name} is already on \"{other}\" from {other_starts} to {other_ends} on {day}, which overlaps this shift ({starts} to {ends}).";
    RotaDbsMissing: Validation, "rota.dbs.missing" => "{name} cannot take this shift. {need}; their DBS is missing." + ["role", "day", "requirement"];
    RotaDbsExpired: Validation, "rota.dbs.expired" => "{name} cannot take this shift. {need}; their DBS is expired (last valid {since})." + ["role", "day", "requirement"];
    RotaDbsInsufficient: Validation, "rota.dbs.insufficient" => "{name} cannot take this shift. {need}; their DBS is insufficient level ({level})." + ["role", "day", "requirement"];
    RotaDbsMissingBarredChildren: Validation, "rota.dbs.missing_barred_children" => "{name} cannot take this shift. {need}; their DBS is not for work with children (adult workforce, or the children's list not checked)." + ["role", "day", "requirement"];
    RotaDbsNeedsRiskAssessment: Validation, "rota.dbs.needs_risk_assessment" => "{name} cannot take this shift. {need}; their DBS is waiting for a coordinator's risk assessment of their {issuer}." + ["role", "day", "requirement"];
}
