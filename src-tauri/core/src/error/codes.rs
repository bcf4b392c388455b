//! Every code a core error can carry, with its kind and its English template.
//!
//! One list, so that [`Code::ALL`] is the type itself: the language-file test reads it, and a
//! code added here without its `error.<code>` text in `ui/i18n/en.json` and `fr.json` fails
//! that test. A code is `area.field.what` (or `area.what`); the template's `{name}`
//! placeholders are the error's params (with `+ [...]`, values it carries besides them, that
//! another language's sentence may use). There is no generic code holding only an English text:
//! every refusal is named by what it means.

use serde::Serialize;

/// The small, stable set of error kinds that cross to the UI and the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input was wrong; nothing was changed.
    Validation,
    /// The thing asked for does not exist (or is not visible to the caller).
    NotFound,
    /// The change clashes with existing data (duplicate code, already exists, ...).
    Conflict,
    /// The caller's role may not do this.
    Forbidden,
    /// The database is locked: wrong passphrase, or not unlocked yet.
    Locked,
    /// Something broke that the person cannot fix (disk, bug); the message says what.
    Internal,
    /// Allowed, but only once the person has confirmed: nothing was changed, and the same call
    /// with the input flag named in `field` set to true does it (the UI asks, then sends it).
    Confirm,
}

impl ErrorKind {
    /// The wire name of the kind (`"not_found"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Validation => "validation",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::Locked => "locked",
            ErrorKind::Internal => "internal",
            ErrorKind::Confirm => "confirm",
        }
    }
}

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
    // Failures of the machine.
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

    // The app's own state (the window's process).
    AppStatePoisoned: Internal, "app.state_poisoned" => "The app state was poisoned by an earlier crash.";
    SetupAlreadyDone: Conflict, "setup.already_done" => "This centre is already set up.";
    SetupComputerHasDatabase: Conflict, "setup.computer_has_database" => "This computer already holds a Haven database.";
    AppNeedsSetup: Locked, "app.needs_setup" => "Set the centre up first.";
    AccessUsernameMissing: Validation, "access.username.missing" => "Enter your user name.";
    AppLocked: Locked, "app.locked" => "Haven is locked: sign in first.";
    AppAutoLocked: Locked, "app.auto_locked" => "Haven locked itself after {minutes} minutes without use. Sign in again.";
    RestoreStateChanged: Internal, "restore.state_changed" => "Haven's state changed during the restore.";
    AppBusyClosing: Conflict, "app.busy_closing" => "Haven was still busy with another task and could not close the database.";

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
    RotaOutsideStay: Validation, "rota.volunteer.outside_stay" => "The shift on {day} is outside {name}'s stay ({arrival} to {departure}).";
    RotaBeforeArrival: Validation, "rota.volunteer.before_arrival" => "The shift on {day} is before {name} arrives ({arrival}).";
    RotaOtherSite: Validation, "rota.volunteer.other_site" => "{name} does not work at this shift's site.";
    RotaOverlap: Conflict, "rota.volunteer.overlap" => "{name} is already on \"{other}\" from {other_starts} to {other_ends} on {day}, which overlaps this shift ({starts} to {ends}).";
    RotaDbsMissing: Validation, "rota.dbs.missing" => "{name} cannot take this shift. {need}; their DBS is missing." + ["role", "day", "requirement"];
    RotaDbsExpired: Validation, "rota.dbs.expired" => "{name} cannot take this shift. {need}; their DBS is expired (last valid {since})." + ["role", "day", "requirement"];
    RotaDbsInsufficient: Validation, "rota.dbs.insufficient" => "{name} cannot take this shift. {need}; their DBS is insufficient level ({level})." + ["role", "day", "requirement"];
    RotaDbsMissingBarredChildren: Validation, "rota.dbs.missing_barred_children" => "{name} cannot take this shift. {need}; their DBS is not for work with children (adult workforce, or the children's list not checked)." + ["role", "day", "requirement"];
    RotaDbsNeedsRiskAssessment: Validation, "rota.dbs.needs_risk_assessment" => "{name} cannot take this shift. {need}; their DBS is waiting for a coordinator's risk assessment of their {issuer}." + ["role", "day", "requirement"];

    // Every other area (given their codes by meaning, area.field.what).
    DatabaseNoAppDataFolder: Internal, "database.no_app_data_folder" => "The system has no application data folder: use --data-dir.";
    SeedPeopleTooMany: Validation, "seed.people.too_many" => "Seed at most 1,000,000 people at a time.";
    SettingsCentreNameInvalid: Validation, "settings.centre_name.invalid" => "Enter the centre's name (at most 120 characters).";
    SetupCentreNameMissing: Validation, "setup.centre_name.missing" => "Enter the centre's name.";
    SetupSitesMissing: Validation, "setup.sites.missing" => "Add at least one site.";
    SetupLeadDisplayNameMissing: Validation, "setup.lead_display_name.missing" => "Enter your name.";
    SiteCodeTaken: Conflict, "site.code.taken" => "There is already a site with code {code}.";
    ClaimClaimedOnInFuture: Validation, "claim.claimed_on.in_future" => "Claim for a journey already made.";
    ClaimItemsMissing: Validation, "claim.items.missing" => "Enter the miles driven or at least one cost.";
    ClaimItemsTooMany: Validation, "claim.items.too_many" => "A claim holds at most 50 costs.";
    ClaimApproveOwnClaim: Validation, "claim.approve.own_claim" => "A claim is approved by a lead other than the person claiming.";
    ClaimApproveAlready: Validation, "claim.approve.already" => "This claim is already approved.";
    ClaimPayNotApproved: Validation, "claim.pay.not_approved" => "Approve the claim before paying it.";
    ClaimPayAlready: Validation, "claim.pay.already" => "This claim is already paid.";
    ClaimPayNothing: Validation, "claim.pay.nothing" => "This claim comes to nothing to pay.";
    ClaimNotFound: Validation, "claim.not_found" => "There is no such claim.";
    FundNameMissing: Validation, "fund.name.missing" => "Enter the fund's name.";
    FundPurposeMissing: Validation, "fund.purpose.missing" => "A restricted fund needs the purpose it was given for.";
    FundCategoriesMissing: Validation, "fund.categories.missing" => "Choose what this fund's money may be spent on.";
    FundNameTaken: Validation, "fund.name.taken" => "There is already a fund called {name}.";
    FundGeneralStays: Validation, "fund.general.stays" => "The general fund stays unrestricted and in use.";
    IncomeDonorUnknown: Validation, "income.donor.unknown" => "There is no such donor: choose one from the list.";
    IncomeDonorNameMissing: Validation, "income.donor_name.missing" => "Enter the donor's name.";
    IncomeFundNotInUse: Validation, "income.fund.not_in_use" => "The fund {name} is no longer in use.";
    IncomeReceivedOnInFuture: Validation, "income.received_on.in_future" => "Money cannot be received on a day still to come.";
    IncomeDonorNotDonation: Validation, "income.donor.not_donation" => "Only a donation has a donor; name a funder instead.";
    IncomeSourceMissing: Validation, "income.source.missing" => "Enter who gave the grant.";
    IncomeGiftAidNoDonor: Validation, "income.gift_aid.no_donor" => "Gift Aid needs a named donor: choose or add one.";
    IncomeGiftAidNotPounds: Validation, "income.gift_aid.not_pounds" => "Gift Aid is claimed on donations in pounds only.";
    IncomeDeclaredOnMissing: Validation, "income.declared_on.missing" => "Enter the date of the Gift Aid declaration.";
    IncomeSiteUnknown: Validation, "income.site.unknown" => "There is no such site.";
    MoneyRateNotForPounds: Validation, "money.rate.not_for_pounds" => "An amount in pounds takes no exchange rate.";
    MoneyRateMissing: Validation, "money.rate.missing" => "Enter the rate used: pounds for one euro, like 0.8561.";
    MoneyRateInvalid: Validation, "money.rate.invalid" => "{text} is not a rate: enter pounds for one euro, like 0.8561.";
    PaymentPayeeMissing: Validation, "payment.payee.missing" => "Enter who was paid.";
    PaymentReceiptPathWrongType: Validation, "payment.receipt_path.wrong_type" => "Choose a scanned receipt: a PDF, JPEG or PNG file.";
    PaymentReceiptPathTooLarge: Validation, "payment.receipt_path.too_large" => "The scanned receipt is larger than 20 MB.";
    PaymentReceiptPathNotKept: Validation, "payment.receipt_path.not_kept" => "Could not keep the receipt: {detail}.";
    PaymentCategoryUnknown: Validation, "payment.category.unknown" => "\"{c}\" is not a spending category.";
    MoneyReportFromAfterTo: Validation, "money_report.from.after_to" => "The start date is after the end date.";
    TransferToSameFund: Validation, "transfer.to.same_fund" => "Choose another fund to move the money to.";
    TransferReasonMissing: Validation, "transfer.reason.missing" => "Say why the money moves between funds.";
    ExportWorkbookNotWritten: Internal, "export.workbook.not_written" => "Could not write the workbook: {detail}";
    ExportCsvNotWritten: Internal, "export.csv.not_written" => "Could not write the CSV: {detail}";
    FlagKindMale: Validation, "flag.kind.male" => "This person is recorded as male.";
    FlagDueDateMissing: Validation, "flag.due_date.missing" => "Enter the expected due date.";
    FlagDueDateOutOfRange: Validation, "flag.due_date.out_of_range" => "The due date must be within the next 10 months.";
    FlagKindAdult: Validation, "flag.kind.adult" => "This person is 18 or over by their date of birth.";
    FlagDetailsMissing: Validation, "flag.details.missing" => "Say what staff need to know.";
    FlagNotSet: NotFound, "flag.not_set" => "That flag is not set on this person.";
    HouseholdWithPersonSelf: Validation, "household.with_person.self" => "Choose someone else's household.";
    HouseholdAlreadyIn: Conflict, "household.already_in" => "They are already in this household.";
    HouseholdPersonNone: Validation, "household.person.none" => "This person is not in a household.";
    HouseholdNotFound: NotFound, "household.not_found" => "That household does not exist.";
    NoteBodyMissing: Validation, "note.body.missing" => "Write the note.";
    NoteNotedOnInFuture: Validation, "note.noted_on.in_future" => "The note's date is in the future.";
    PartnerNameMissing: Validation, "partner.name.missing" => "Enter the organisation's name.";
    PartnerNameTaken: Conflict, "partner.name.taken" => "There is already a partner called \"{name}\".";
    PartnerNotFound: NotFound, "partner.not_found" => "That partner does not exist.";
    PhoneNumberMissing: Validation, "phone.number.missing" => "Enter the phone number, the IMEI, or both.";
    PhoneImeiInvalid: Validation, "phone.imei.invalid" => "An IMEI has 15 digits (dial *#06# on the phone to see it).";
    PhoneIssuedOnInFuture: Validation, "phone.issued_on.in_future" => "The date is in the future.";
    PhoneNotFound: NotFound, "phone.not_found" => "That phone is not on record.";
    PhoneAlreadyBack: Conflict, "phone.already_back" => "That phone is already recorded as back or lost.";
    PhoneOnOutside: Validation, "phone.on.outside" => "The date must be between the day it was issued and today.";
    ReferralReasonMissing: Validation, "referral.reason.missing" => "Say why the person is referred.";
    ReferralPartnerMissing: Validation, "referral.partner.missing" => "Choose a partner organisation from the list.";
    ReferralPartnerNotInUse: Validation, "referral.partner.not_in_use" => "That partner is no longer in use.";
    ReferralReferredOnInFuture: Validation, "referral.referred_on.in_future" => "The referral date is in the future.";
    ReferralFollowUpOnBeforeReferral: Validation, "referral.follow_up_on.before_referral" => "The follow-up date is before the referral.";
    ReferralNotFound: NotFound, "referral.not_found" => "That referral does not exist.";
    SeedNoActiveSite: Validation, "seed.no_active_site" => "There is no active site to put people in.";
    SpreadsheetPathWrongType: Validation, "spreadsheet.path.wrong_type" => "Choose a .csv, .xlsx, .xls or .ods file.";
    SpreadsheetHeaderMissing: Validation, "spreadsheet.header.missing" => "The first row must name the columns.";
    SpreadsheetRowNotCsv: Validation, "spreadsheet.row.not_csv" => "Row {at}: the file is not valid CSV ({detail}).";
    SpreadsheetWorkbookUnreadable: Validation, "spreadsheet.workbook.unreadable" => "The workbook could not be read: {detail}.";
    SpreadsheetWorkbookNoSheet: Validation, "spreadsheet.workbook.no_sheet" => "The workbook has no sheet.";
    SpreadsheetSheetUnreadable: Validation, "spreadsheet.sheet.unreadable" => "The first sheet could not be read: {detail}.";
    WorkbookUnreadable: Validation, "workbook.unreadable" => "The workbook {file} could not be read: {detail}.";
    WorkbookPartUnreadable: Validation, "workbook.part_unreadable" => "The workbook {file} could not be read ({name}: {detail}).";
    SiteMissing: Validation, "site.missing" => "Choose a site.";
    CollectionNotFound: NotFound, "collection.not_found" => "That collection does not exist.";
    PackingPathWrongType: Validation, "packing.path.wrong_type" => "Save the packing list as a .pdf, .csv or .xlsx file.";
    ExchangeDirMissing: Validation, "exchange.dir.missing" => "Choose the folder to exchange through.";
    ApiInputNotObject: Validation, "api.input.not_object" => "The input must be an object of named fields, not {what}.";
    ApiInputInvalid: Validation, "api.input.invalid" => "The input is not right: {detail}.";
    ApiResultNotEncoded: Internal, "api.result.not_encoded" => "Could not encode the result: {detail}";
    ApiFunctionUnknown: NotFound, "api.function.unknown" => "There is no API function \"{name}\".";
    MoneyReportNotEncoded: Internal, "money_report.not_encoded" => "Could not encode the report: {detail}";
    ExportPathMissing: Validation, "export.path.missing" => "Choose where to save the file.";
    PrintPathMissing: Validation, "print.path.missing" => "Choose where to save the PDF.";
    SecurityUsernameSelf: Validation, "security.username.self" => "You cannot turn yourself off: ask another lead.";
    SecurityNewSame: Validation, "security.new.same" => "Choose a passphrase different from the current one.";
    KeyringNotEncoded: Internal, "keyring.not_encoded" => "Could not encode the key file: {detail}";
    KeyringDerivationSettings: Internal, "keyring.derivation_settings" => "Key derivation settings: {detail}";
    KeyringDerivationFailed: Internal, "keyring.derivation_failed" => "Key derivation failed: {detail}";
    KeyringSetupFailed: Internal, "keyring.setup_failed" => "Key setup failed: {detail}";
    KeyringNotSealed: Internal, "keyring.not_sealed" => "Could not seal the database key.";
    KeyringEntryDamaged: Internal, "keyring.entry_damaged" => "The key file entry for {username} is damaged.";
    AccessSignInWrong: Locked, "access.sign_in.wrong" => "The user name or passphrase is not right.";
    AccessPassphraseMissing: Validation, "access.passphrase.missing" => "Enter the passphrase.";
    AccessCurrentWrong: Validation, "access.current.wrong" => "That is not your current passphrase.";
    AccessRoleUnknown: Validation, "access.role.unknown" => "Unknown role \"{s}\": use lead, coordinator or front_desk.";
    AccessPassphraseTooEasy: Validation, "access.passphrase.too_easy" => "That passphrase is too easy to guess: choose another.";
    UserDisplayNameMissing: Validation, "user.display_name.missing" => "Enter the person's name.";
    UserUsernameTaken: Conflict, "user.username.taken" => "There is already a user called \"{username}\".";
    UserLastLead: Validation, "user.last_lead" => "The centre needs at least one lead who can sign in.";
    UserNotFound: NotFound, "user.not_found" => "That user does not exist.";
    UserNoLead: NotFound, "user.no_lead" => "This database has no lead user yet: run setup first.";
    ExchangeBundleBadDependencies: Validation, "exchange.bundle.bad_dependencies" => "A change in the bundle names its dependencies wrongly.";
    ExchangeConflictDecisionLost: Internal, "exchange.conflict.decision_lost" => "A conflict decision was lost.";
    ExchangeBundleChangesDamaged: Validation, "exchange.bundle.changes_damaged" => "The bundle's changes are damaged.";
    ConflictNotFound: NotFound, "conflict.not_found" => "There is no such conflict.";
    ConflictAlreadyResolved: Conflict, "conflict.already_resolved" => "This conflict was already resolved.";
    ConflictTableNotExchanged: Validation, "conflict.table.not_exchanged" => "This conflict names a table Haven does not exchange.";
    ConflictRowNotFound: Validation, "conflict.row.not_found" => "This conflict's row cannot be found.";
    ExchangeAcknowledgementNotEncoded: Internal, "exchange.acknowledgement.not_encoded" => "Could not encode the acknowledgement: {detail}";
    JoinArgonRefused: Internal, "join.argon.refused" => "Argon2 parameters refused: {detail}";
    JoinCodeNotStretched: Internal, "join.code.not_stretched" => "The code could not be stretched: {detail}";
    JoinHeaderTooLong: Internal, "join.header.too_long" => "A join header is too long.";
    JoinFileNotEncrypted: Internal, "join.file.not_encrypted" => "The join file could not be encrypted.";
    JoinPathMissing: Validation, "join.path.missing" => "Choose where to write the join file.";
    JoinFileNotEncoded: Internal, "join.file.not_encoded" => "Could not encode the join file: {detail}";
    JoinReplicaCopyTooOld: Validation, "join.replica.copy_too_old" => "This copy was taken before the replica was added.";
    JoinFileDamaged: Validation, "join.file.damaged" => "This join file is damaged: ask a lead for a new invitation.";
    JoinFileUsed: Conflict, "join.file.used" => "This join file was already used (on {used_at}): a join file works once. Ask a lead for a new invitation.";
    JoinFileNewer: Conflict, "join.file.newer" => "This join file was made by a newer Haven (schema {schema}, this one knows {ours}): update Haven on this computer.";
    JoinUserUnknown: Validation, "join.user.unknown" => "The centre has no user called \"{name}\".";
    JoinNotEncoded: Internal, "join.not_encoded" => "Could not encode: {detail}";
    JoinFileNotMarked: Validation, "join.file.not_marked" => "The join file could not be marked as used ({detail}): copy it to a disk that can be written, then join again.";
    ReplicaNotFound: NotFound, "replica.not_found" => "There is no replica \"{key}\".";
    ReplicaIdInvalid: Internal, "replica.id.invalid" => "The stored {what} is not an id: {text}.";
    ReplicaKeysMissing: Internal, "replica.keys.missing" => "This database holds no exchange keys; open it once with this Haven to make them.";
    ReplicaKeysWrongSize: Internal, "replica.keys.wrong_size" => "The stored exchange keys are not 32 bytes.";
    ReplicaTooMany: Conflict, "replica.too_many" => "The centre has as many replicas as Haven can tell apart.";
    ReplicaAlreadyRemoved: Conflict, "replica.already_removed" => "The replica \"{name}\" was already removed.";
    ReplicaBundleHashWrongSize: Internal, "replica.bundle_hash.wrong_size" => "A stored bundle hash is not 32 bytes.";
    ReplicaBundleSequenceOutOfRange: Validation, "replica.bundle.sequence_out_of_range" => "The bundle's sequence number is out of range.";
    BundleHeaderNotEncoded: Internal, "bundle.header.not_encoded" => "Could not encode a bundle header: {detail}";
    BundleHeaderTooLong: Internal, "bundle.header.too_long" => "A bundle header is too long.";
    BundleNotEncrypted: Internal, "bundle.not_encrypted" => "The bundle could not be encrypted.";
    BundleNewer: Conflict, "bundle.newer" => "This bundle from \"{name}\" was written by a newer Haven (schema {schema}, this one knows {ours}): update Haven on this computer. The bundle is kept and applies after the update.";
    BundleAlreadyWritten: Internal, "bundle.already_written" => "This replica's bundles up to number {done} are written already; the next covers more.";
    ActivityTitleMissing: Validation, "activity.title.missing" => "Enter the session's title.";
    ActivityWeekdayMissing: Validation, "activity.weekday.missing" => "Choose the day of the week.";
    ActivityEndsAtBeforeStart: Validation, "activity.ends_at.before_start" => "The session must end after it starts.";
    ActivityCapacityOutOfRange: Validation, "activity.capacity.out_of_range" => "Enter how many people can come: 1 to 500.";
    ActivityEndsOnBeforeStart: Validation, "activity.ends_on.before_start" => "The last date must be on or after the first date.";
    ActivitySessionNotFound: NotFound, "activity.session.not_found" => "There is no such session.";
    ActivityMovedToMissing: Validation, "activity.moved_to.missing" => "Say the new date, time or place.";
    ActivityPersonNotFound: NotFound, "activity.person.not_found" => "There is no such person.";
    ActivityAlreadySignedUp: Conflict, "activity.already_signed_up" => "{pname} is already signed up.";
    ActivityFull: Conflict, "activity.full" => "\"{title}\" is full: {signed_up} of {capacity} places taken.";
    ActivityNotSignedUp: NotFound, "activity.not_signed_up" => "That person is not signed up.";
    ActivityNotSignedUpFirst: NotFound, "activity.not_signed_up_first" => "That person is not signed up: sign them up first.";
    RotaVolunteerNotOnShift: NotFound, "rota.volunteer.not_on_shift" => "That volunteer is not on this shift.";
    ExchangeChangeNotEncoded: Internal, "exchange.change.not_encoded" => "Could not encode a change's dependencies: {detail}";
    DatabaseRecoveryKeyInvalid: Validation, "database.recovery_key.invalid" => "A recovery key is 64 hexadecimal digits (0-9, A-F).";
    DatabasePoisoned: Internal, "database.poisoned" => "The database handle was poisoned by an earlier crash.";
    DatabaseReadFunctionWrote: Internal, "database.read_function_wrote" => "{name} is marked READ in the API table but tried to write; it was stopped.";
    DatabaseReadWrote: Internal, "database.read_wrote" => "A read tried to write and was stopped: {s}";
    DatabaseEncryptionNotStarted: Internal, "database.encryption_not_started" => "The encryption library did not start: {detail}";
    DatabaseWalRefused: Internal, "database.wal_refused" => "The database could not switch to WAL mode ({mode}).";
    PrintFontUnreadable: Internal, "print.font.unreadable" => "An embedded font could not be read (a build problem).";
    PrintDateNotWritten: Internal, "print.date.not_written" => "The print date cannot be written in the PDF: {detail}.";
    PrintPagesMismatch: Internal, "print.pages.mismatch" => "The PDF's pages do not match the sheet's.";
    PrintPageNoContent: Internal, "print.page.no_content" => "A PDF page has no content stream: {detail}.";
    PrintPdfNotWritten: Internal, "print.pdf.not_written" => "The PDF could not be written: {detail}.";
    PrintPdfNotWrittenPlain: Internal, "print.pdf.not_written_plain" => "The PDF could not be written.";
    PrintPdfNotCompressed: Internal, "print.pdf.not_compressed" => "The PDF could not be compressed: {detail}.";
    PrintSampleNotWritten: Internal, "print.sample.not_written" => "The sample table could not be written: {detail}.";
    PrintSampleNotText: Internal, "print.sample.not_text" => "The sample table is not text: {detail}.";
    PrintRowHeightMmTooTall: Validation, "print.row_height_mm.too_tall" => "The rows are too tall to fit on the page.";
    PrintColumnsMissing: Validation, "print.columns.missing" => "A sheet needs at least one column.";
    PrintRowHeightMmOutOfRange: Validation, "print.row_height_mm.out_of_range" => "The row height must be between 4 and 60 mm.";
    AllowancePersonNotFound: NotFound, "allowance.person.not_found" => "That person does not exist.";
    CardPersonCaseNotActive: Validation, "card.person.case_not_active" => "{code}'s case is not active: no card is printed for it.";
    CardOtherSite: Forbidden, "card.other_site" => "{code} is registered at another site: the front desk prints its own site's cards only.";
    CardPersonNotAtSite: Validation, "card.person.not_at_site" => "{code} is not registered at that site.";
    CardSiteNobody: Validation, "card.site.nobody" => "Nobody active matches: no card to print.";
    CardPersonUnknownCode: Validation, "card.person.unknown_code" => "Nobody has the code {code_upper}.";
    CardPerPageInvalid: Validation, "card.per_page.invalid" => "Cards print 8 or 10 to a page.";
    CardQrNotMade: Internal, "card.qr.not_made" => "The QR code of {text} could not be made: {detail}.";
    CardBarcodeNotMade: Internal, "card.barcode.not_made" => "The barcode of {text} could not be made: {detail}.";
    CollectionDistributionClosed: Conflict, "collection.distribution_closed" => "This distribution is closed: reopen it to record collections.";
    CollectionNothingDue: Conflict, "collection.nothing_due" => "Nothing is due to {name} ({code})'s household at this distribution.";
    CollectionAlreadyReversed: Conflict, "collection.already_reversed" => "This collection has already been reversed.";
    CollectionReasonMissing: Validation, "collection.reason.missing" => "Say why the collection is reversed.";
    DeskPersonMissing: Validation, "desk.person.missing" => "Type a code or a name, e.g. CAL-0042.";
    DeskPersonSeveral: Validation, "desk.person.several" => "{count} people match \"{who}\": {list}. Type the code.";
    DistributionDistTypeMissing: Validation, "distribution.dist_type.missing" => "Choose the type of distribution.";
    DistributionNotFound: NotFound, "distribution.not_found" => "That distribution does not exist.";
    LabelsPerPageInvalid: Validation, "labels.per_page.invalid" => "Bag labels print 21 or 24 to a page.";
    AllowanceRuleDistTypeMissing: Validation, "allowance_rule.dist_type.missing" => "Enter the distribution type, e.g. weekly.";
    AllowanceRuleMaxAgeMonthsBelowMin: Validation, "allowance_rule.max_age_months.below_min" => "The oldest age must be above the youngest.";
    AllowanceRuleIntervalDaysOnce: Validation, "allowance_rule.interval_days.once" => "A \"once\" item has no interval.";
    AllowanceRuleNotFound: NotFound, "allowance_rule.not_found" => "That rule does not exist.";
    CheckRiskAssessmentMissing: Validation, "check.risk_assessment.missing" => "Write the risk assessment: what was considered and decided.";
    CheckNotFound: NotFound, "check.not_found" => "There is no such check.";
    VolunteerInfoAddressesUnknownSite: Validation, "volunteer_info.addresses.unknown_site" => "There is no site \"{site}\".";
    DbsPolicyRecheckMonthsOutOfRange: Validation, "dbs_policy.recheck_months.out_of_range" => "Enter a number of months from 1 to 120.";
    DbsPolicyExpiringSoonDaysOutOfRange: Validation, "dbs_policy.expiring_soon_days.out_of_range" => "Enter a number of days from 1 to 365.";
    ItemNameMissing: Validation, "item.name.missing" => "Enter the item's name.";
    ItemVariantsComma: Validation, "item.variants.comma" => "A size cannot contain a comma.";
    ItemVariantsMissing: Validation, "item.variants.missing" => "List the sizes, or choose no size rule.";
    ItemNameTaken: Validation, "item.name.taken" => "\"{name}\" is already in the catalogue.";
    ItemNotFound: NotFound, "item.not_found" => "That item does not exist.";
    StockQuantityZero: Validation, "stock.quantity.zero" => "The quantity cannot be zero.";
    StockMovementNoKind: Internal, "stock.movement.no_kind" => "A movement needs a kind.";
    StockMovementNoDate: Internal, "stock.movement.no_date" => "A movement needs a date.";
    LocationNameMissing: Validation, "location.name.missing" => "Enter the location's name.";
    LocationNotFound: NotFound, "location.not_found" => "That location does not exist.";
    StockReceiptNoValues: Internal, "stock.receipt.no_values" => "A receipt's checks gave no values.";
    StockTransferToSame: Validation, "stock.transfer.to.same" => "Choose another location to move the stock to.";
    StockAdjustmentReasonMissing: Validation, "stock.adjustment.reason.missing" => "Choose damaged, expired, lost or found.";
    StockTakeAlreadyOpen: Conflict, "stock_take.already_open" => "A stock-take of {name} is already open: finish it first.";
    StockTakeNotFound: NotFound, "stock_take.not_found" => "That stock-take does not exist.";
    StockTakeClosed: Conflict, "stock_take.closed" => "This stock-take is {status}: start a new one.";
    SetupDatabaseExists: Conflict, "setup.database_exists" => "A database already exists at {path}.";
    SiteNameMissing: Validation, "site.name.missing" => "Enter the site's name.";
    SiteNotFound: NotFound, "site.not_found" => "There is no site \"{site}\".";
    ClaimValueMissing: Validation, "claim.value.missing" => "Enter {what}.";
    FundUnknown: Validation, "fund.unknown" => "There is no fund \"{key}\".";
    FundNotInUse: Validation, "fund.not_in_use" => "The fund {name} is no longer in use.";
    MoneyAmountTooLarge: Validation, "money.amount.too_large" => "The amount is too large.";
    MoneyAmountNotPositive: Validation, "money.amount.not_positive" => "Enter an amount of more than 0 (in pence or cents).";
    MoneyAmountOverLimit: Validation, "money.amount.over_limit" => "An amount is at most 10,000,000.00: enter it in pence or cents.";
    PaymentReceiptPathUnreadable: Validation, "payment.receipt_path.unreadable" => "Could not read {from}: {detail}.";
    ExportPathNotWritten: Validation, "export.path.not_written" => "Could not write {path}: {detail}.";
    UkChecklistDateInFuture: Validation, "uk_checklist.date.in_future" => "That date is in the future.";
    UserNotFoundNamed: NotFound, "user.not_found_named" => "There is no user called \"{username}\".";
    DatabaseNotFoundAt: NotFound, "database.not_found_at" => "There is no Haven database at {db_path}.";
    AccessRoleTooLow: Forbidden, "access.role.too_low" => "Only {who} may do this: {what}. You are signed in as {role}: ask {who}, or sign in as one.";
    PolicyValueOutOfRange: Validation, "policy.value.out_of_range" => "{what} must be between {lo} and {hi}.";
    UserUsernameNotActive: Validation, "user.username.not_active" => "There is no active user called \"{username}\".";
    ExchangeDirNotFound: Validation, "exchange.dir.not_found" => "There is no folder at {dir}.";
    JoinPathNotFound: Validation, "join.path.not_found" => "There is no folder {dir}.";
    JoinSiteUnknown: Validation, "join.site.unknown" => "There is no site \"{site}\".";
    JoinAlreadyHoldsDatabase: Conflict, "join.already_holds_database" => "{db_path} already holds a Haven database: join with a new, empty data folder.";
    JoinFileUnreadable: Validation, "join.file.unreadable" => "The join file {file} cannot be read: {detail}.";
    DatabaseNotFound: NotFound, "database.not_found" => "There is no Haven database at {path}.";
    DatabaseReadOnlyNeedsUpgrade: Conflict, "database.read_only_needs_upgrade" => "{path} is on a disk that cannot be written, and this Haven would have to upgrade it first. Copy the whole folder (with haven.keys) to the laptop and open it there.";
    DatabaseReadOnly: Conflict, "database.read_only" => "Haven opened {path} read-only: its disk or folder cannot be written. You can search, read and print; to change anything, copy the whole folder (with haven.keys) to the laptop and open it there.";
    CardPersonUnknown: Validation, "card.person.unknown" => "Nobody has the code {p}.";
    CardPrintedMeanwhile: Conflict, "card.printed_meanwhile" => "Card {c} was printed by someone else at the same moment: print the cards again.";
    DeskPersonUnknownCode: Validation, "desk.person.unknown_code" => "Nobody has the code {who}.";
    VolunteerInfoTextMissing: Validation, "volunteer_info.text.missing" => "Write the sheet's text (it can be short).";
    StockTakeLineUnknown: Validation, "stock_take.line.unknown" => "That line is not on this stock-take.";
    StockTransitNotFound: NotFound, "stock.transit.not_found" => "There is no stock on its way with that reference.";
    StockTransitNotReceivingSite: Forbidden, "stock.transit.not_receiving_site" => "Only someone of the receiving site (or a lead) confirms that stock arrived there.";
    StockTransitAlreadyReceived: Conflict, "stock.transit.already_received" => "This stock was already received.";
    ArrivalNotFound: NotFound, "arrival.not_found" => "There is no such arrival.";
    ArrivalNotReceivingSite: Forbidden, "arrival.not_receiving_site" => "Only someone of the receiving site (or a lead) marks an arrival met.";
    ArrivalAlreadyMet: Conflict, "arrival.already_met" => "This arrival was already marked met.";
    ExchangeMinutesOutOfRange: Validation, "exchange.minutes.out_of_range" => "Exchange every {min} to {max} minutes.";
    PersonAnonymised: Conflict, "person.anonymised" => "This person's record is anonymised: nothing about them can be added or changed.";

    // Given their codes in session 9 (they crossed as `*.other` with an English text).
    IncomeGiftAidNoAddress: Validation, "income.gift_aid.no_address" => "Gift Aid needs {name}'s house number or name and postcode.";
    FundCategoryRestricted: Validation, "fund.category.restricted" => "{fund} is a restricted fund ({purpose}): it may pay only for {allowed}, not {category}.";
    ClaimMilesOutOfRange: Validation, "claim.miles.out_of_range" => "Enter the miles driven: 0 to {max}.";
    PhoneAlreadyHeld: Conflict, "phone.already_held" => "This person already has a phone from the centre: record it back or lost first.";
    ImportPartTooLarge: Validation, "import.path.part_too_large" => "The workbook {file} is too large to import (its part {part} holds more than {mb} MB).";
    ImportWorkbookUnreadable: Validation, "import.path.unreadable" => "The workbook {file} could not be read ({part}: {detail}).";
    ImportCellTooLong: Validation, "import.path.cell_too_long" => "Cell {cell} holds more than {max} characters: that is not a list of people. Check the file.";
    ImportTextTooLong: Validation, "import.path.text_too_long" => "The file holds a text of more than {max} characters: that is not a list of people. Check the file.";
    ImportTooManyRows: Validation, "import.path.too_many_rows" => "The file has more than {max} rows; import at most {max} at a time.";
    ImportTooManyColumns: Validation, "import.path.too_many_columns" => "The file has more than {max} columns; keep only the ones to import.";
    ImportTooManyCells: Validation, "import.path.too_many_cells" => "The sheet spans {rows} rows by {columns} columns; import at most {max} cells at a time.";
    ImportFileEmpty: Validation, "import.path.empty" => "The file is empty: it needs a header row and at least one person.";
    ImportFileTooLarge: Validation, "import.path.too_large" => "The file is larger than {mb} MB: import it in parts.";
    ImportWorkbookTooLarge: Validation, "import.path.workbook_too_large" => "The workbook is larger than {mb} MB: import it in parts.";
    ImportRowNotUtf8: Validation, "import.path.not_unicode" => "Row {row}: the text is not UTF-8. Save the file as \"CSV UTF-8\".";
    ReferralConsentMissing: Validation, "referral.consent_given.missing" => "A referral needs the person's consent: ask them first.";
    SearchFlagsCoordinatorOnly: Forbidden, "search.flags.coordinator_only" => "Searching by safeguarding or medical flags needs a coordinator.";
    HouseholdInAnother: Conflict, "household.in_another" => "This person is already in another household: remove them from it first.";
    FlagKindBaby: Validation, "flag.kind.baby" => "\"Baby under 12 months\" comes from the date of birth: set that instead.";
    SiteCodeInvalid: Validation, "site.code.invalid" => "Site code \"{code}\" must be 2 to 5 letters, like CAL.";
    SecurityRecoveryKeyNone: Conflict, "security.recovery_key.none" => "This database is opened by one shared passphrase and has no separate recovery key.";
    AccessRecoveryKeyNone: Locked, "access.recovery_key.none" => "This database is opened by one shared passphrase and has no separate recovery key.";
    PersonMaybeRegistered: Conflict, "person.maybe_registered" => "This may be someone already registered: {list}. Check, then confirm to register anyway.";
    CardReadOnlyMedia: Conflict, "card.read_only_media" => "ID cards cannot be printed from read-only media: each card's number must be recorded. Copy the folder to the laptop first.";
    LabelsOtherSite: Forbidden, "labels.other_site" => "The front desk prints bag labels for its own site's distributions only.";
    VolunteerReferencesInFuture: Validation, "volunteer.received_on.in_future" => "The references cannot be received in the future.";
    NappySizeUnknown: Validation, "nappy.size.unknown" => "There is no nappy size \"{size}\": choose {sizes}, or by age.";
    NappySizeTooOld: Validation, "nappy.size.too_old" => "A nappy size is for children under {limit}; this person is {age}.";
    NappySizeNoAge: Validation, "nappy.size.no_age" => "Enter the child's date of birth (or age) on their page before a nappy size.";
    AccessPassphraseTooShort: Validation, "access.passphrase.too_short" => "The passphrase must be at least {min} characters long.";
    AccessKeyFileDamaged: Locked, "access.key_file.damaged" => "The key file {path} is damaged ({reason}), so no passphrase can open the database. A lead can sign in with the recovery key from the safe (haven-cli recover --user NAME): the damaged file is kept aside and a new one is made.";
    AccessTooManyTries: Locked, "access.sign_in.too_many_tries" => "Too many wrong passphrases for \"{name}\". Wait {seconds} seconds, then try again.";
    AccessTooManyTriesOneSecond: Locked, "access.sign_in.too_many_tries_one_second" => "Too many wrong passphrases for \"{name}\". Wait 1 second, then try again.";
    UserNameInvalid: Validation, "user.username.invalid" => "Use 2 to 32 letters, digits, dots, dashes or underscores for the sign-in name.";
    PolicyBackupDirControl: Validation, "policy.backup_dir.control_character" => "The folder's path holds a control character: type it again.";
    PolicyBackupDirNotWhole: Validation, "policy.backup_dir.not_whole" => "Enter the whole path of the folder (\"{dir}\" is not), like /media/usb/haven-backups or D:\\Haven backups.";
    PolicyBackupDirSystem: Validation, "policy.backup_dir.system" => "{dir} is a folder of the system, not a disk: choose a folder on the laptop or a USB stick.";
    PolicyBackupDirNotWritable: Validation, "policy.backup_dir.not_writable" => "Haven cannot write in {dir} ({detail}): choose a folder on a disk that is plugged in and writable.";
    PolicyIssuerNoRecheck: Validation, "policy.issuers.no_recheck" => "The {issuer} has no recheck period to set here.";
    JoinPathExists: Validation, "join.path.exists" => "{path} already exists: choose a new file name.";
    JoinCodeWrong: Validation, "join.code.wrong" => "This code does not open the join file: check the code and the file, or ask a lead for a new invitation.";
    JoinFileUnknownReplica: Validation, "join.file.unknown_replica" => "This join file names a replica its centre does not list.";
    JoinUserInactive: Validation, "join.user.inactive" => "{name} may not sign in: choose another user.";
    ReplicaRemoveSelf: Validation, "replica.remove_self" => "This computer cannot remove itself: remove it from another one.";
    ExchangeRowDeleted: Conflict, "exchange.conflict.row_deleted" => "The row was deleted and only the changed fields of the other version are known; enter it again.";
    BundleSealNotOwn: Internal, "bundle.seal.not_own" => "A bundle may only be sealed by its own origin, for its own centre.";
    BundleSealBadNumbers: Internal, "bundle.seal.bad_numbers" => "A bundle's sequence numbers start at 1 and do not run backwards.";
    BundleTooShort: Validation, "bundle.too_short" => "This file is too short to be a bundle: it was not applied.";
    BundleNotOurs: Validation, "bundle.not_ours" => "This file is not a bundle of this centre, or it was changed or damaged on the way: it was not applied.";
    BundleHeaderCutShort: Validation, "bundle.header.cut_short" => "This bundle's header is cut short: it was not applied.";
    BundleHeaderUnreadable: Validation, "bundle.header.unreadable" => "This bundle's header cannot be read: it was not applied.";
    BundleOtherCentre: Validation, "bundle.other_centre" => "This bundle belongs to another centre: it was not applied.";
    BundleUnknownReplica: Validation, "bundle.unknown_replica" => "This bundle comes from a replica this computer does not know: exchange with the replica that added it first.";
    BundleRemovedReplica: Validation, "bundle.removed_replica" => "This bundle comes from \"{name}\", which a lead removed from the centre: it was not applied.";
    BundleSignatureUnreadable: Validation, "bundle.signature.unreadable" => "This bundle's signature cannot be read: it was not applied.";
    BundleSignatureWrong: Validation, "bundle.signature.wrong" => "This bundle is not signed by \"{name}\", the replica it names: it was not applied.";
    BundleAlreadyApplied: Conflict, "bundle.already_applied" => "This bundle from {name} (numbers {first} to {last}) was already applied: it is not applied again.";
    BundleWaits: Conflict, "bundle.waits" => "This bundle from {name} waits for its bundle number {missing}, which has not arrived yet.";
    ActivityNotHeld: Validation, "activity.on_date.not_held" => "\"{title}\" is not held on {date}.";
    ActivityCancelled: Conflict, "activity.cancelled" => "\"{title}\" on {date} is cancelled.";
    RotaSessionShiftRefused: Validation, "rota.session.shift_refused" => "Not changed: the shift \"{role}\" staffs this session and would be on {day} {starts}–{ends}. {reason} Take them off the shift first.";
    PrintColumnsTooWide: Validation, "print.columns.too_wide" => "The columns are too wide for the page: {fixed} mm of fixed widths, {available} mm available.";
    PrintColumnWidthZero: Validation, "print.column.width_zero" => "Column \"{title}\" needs a width above zero.";
    PrintColumnNoLines: Validation, "print.column.no_lines" => "Column \"{title}\" needs at least one line of text.";
    PrintRowCells: Validation, "print.row.cells" => "Row {row} has {cells} cells but the sheet has {columns} columns.";
    PrintFontNotRead: Internal, "print.font.not_read" => "The embedded font {face} could not be read.";
    PrintFontMissing: Internal, "print.font.missing" => "The font {face} was not added to the PDF.";
    CollectionUndoNotYours: Forbidden, "collection.undo.not_yours" => "Only the person who recorded this collection can undo it: ask a coordinator to reverse it.";
    CollectionUndoTooLate: Forbidden, "collection.undo.too_late" => "A collection can be undone only within {minutes} minutes of recording it: ask a coordinator to reverse it.";
    CollectionCaseMovedOn: Conflict, "collection.case.moved_on" => "{name} ({code})'s case is not active (moved on): nothing can be collected. A coordinator can set the case back to active on their page; then type the code again.";
    CollectionCaseReachedUk: Conflict, "collection.case.reached_uk" => "{name} ({code})'s case is not active (reached the UK): nothing can be collected. A coordinator can set the case back to active on their page; then type the code again.";
    CollectionCaseNotActive: Conflict, "collection.case.not_active" => "{name} ({code})'s case is not active ({status}): nothing can be collected. A coordinator can set the case back to active on their page; then type the code again.";
    CollectionOtherSite: Confirm, "collection.confirm_other_site" => "{name} ({code}) is registered at {site}, not {here}. People move between sites, so they may be served here: confirm to record it. What they collected at every site counts towards the intervals.";
    CollectionAlready: Conflict, "collection.already" => "{name} ({code})'s household has already collected at this distribution ({at}).";
    DistributionTypeNoRules: Validation, "distribution.dist_type.no_rules" => "Add an allowance rule first: a distribution's type is one the rules give something at.";
    DistributionTypeChoose: Validation, "distribution.dist_type.choose" => "Choose the type of distribution: {types}.";
    DistributionSameWeek: Confirm, "distribution.confirm_same_week" => "{site} already has a {type} distribution that week: {on} at {location}. A household could collect at both. Confirm to create a second one.";
    CardsOtherSite: Forbidden, "cards.other_site" => "The front desk prints the cards of its own site only: ask a coordinator for another site's.";
    CardsTooMany: Validation, "cards.site.too_many" => "More than {max} cards at once: print them a site or a date at a time.";
    CardOld: Validation, "card.person.old" => "Card {card} is an old card: a newer card, {newest}, exists. Ask for the newest card.";
    CardNotPrinted: Validation, "card.person.not_printed" => "No card {card} was printed. Type the code instead.";
    DeskPersonNoMatch: Validation, "desk.person.no_match" => "Nobody registered here matches \"{who}\". Check the spelling, or type the code.";
    DeskPersonSoundsAlike: Validation, "desk.person.sounds_alike" => "Nobody is registered as \"{who}\". Names that sound alike: {list}. Pick one, or type the code.";
    DeskPersonMany: Validation, "desk.person.many" => "More than {count} people match \"{who}\": {list}. Type the code.";
    RuleDistTypeInvalid: Validation, "rule.dist_type.invalid" => "The distribution type is a short name in letters, digits, spaces or hyphens (at most 30), e.g. weekly.";
    CheckLeaverNoticeNone: Validation, "check.leaver_notice.none" => "There is no PVG leaver notice to mark: the volunteer has not left, is not a PVG member, or it is done.";
    VolunteerStatusStayTooShort: Validation, "volunteer.status.stay_too_short" => "The stay is shorter than {days} days: change the dates, or name the structured activity, before approving.";
    VolunteerStatusNotInOneStep: Validation, "volunteer.status.not_in_one_step" => "A volunteer who is {from} cannot be made {to} in one step.";
    StockNotEnough: Conflict, "stock.not_enough" => "Not enough {item} at {place}: {available} available, {wanted} needed.";
    StockNotEnoughExpired: Conflict, "stock.not_enough_expired" => "Not enough {item} at {place}: {available} available, {wanted} needed. {expired} more are past their expiry date and cannot be given out.";
    StockQuantityTooMuch: Validation, "stock.quantity.too_much" => "{place} would then hold more than {max} of this item: check the quantity.";
    StockLocationNameTaken: Validation, "stock.location.name_taken" => "{site} already has a location called \"{name}\".";
    SetupUnfinishedDatabase: Conflict, "setup.unfinished.database" => "{database} was left by a set-up that did not finish (its key file holds no user). Remove it with `haven-cli --data-dir {dir} discard-unfinished` (it is set aside, not deleted), or set the centre up again.";
    SetupUnfinishedStaging: Conflict, "setup.unfinished.staging" => "A set-up that did not finish left {staging}. Remove it with `haven-cli --data-dir {dir} discard-unfinished` (it is set aside, not deleted), or set the centre up again.";
    SetupUnfinished: Conflict, "setup.unfinished" => "A set-up did not finish. Remove it with `haven-cli --data-dir {dir} discard-unfinished` (it is set aside, not deleted), or set the centre up again.";
    SetupSiteCodeTwice: Validation, "setup.sites.code_twice" => "Site code {code} is used twice.";
    BundleOutOfOrder: Validation, "bundle.out_of_order" => "This bundle's sequence numbers are out of order: it was not applied.";
    BundleChainBroken: Validation, "bundle.chain_broken" => "This bundle from \"{name}\" does not follow the last one applied from it (the chain is broken): it was not applied.";
    BundleChainBeforeFirst: Validation, "bundle.chain_before_first" => "This bundle from \"{name}\" names a bundle before its first one (the chain is broken): it was not applied.";

    // haven-cli's own refusals (arguments, files it reads and writes) and any failure it reports.
    InternalFailure: Internal, "internal.failure" => "{detail}";
    InternalFormUnchecked: Internal, "internal.form_unchecked" => "A form's checks passed without giving their values.";
    AuditNotIntact: Conflict, "audit.not_intact" => "The audit log is not intact: {problem}";
    ImportFileHasProblems: Validation, "import.file.has_problems" => "The file has problems (listed above); nothing was imported.";
    CliRecoveryKeyMissing: Locked, "cli.recovery_key.missing" => "No recovery key: set HAVEN_RECOVERY_KEY or run in a terminal.";
    CliRecoveryKeyWrong: Locked, "cli.recovery_key.wrong" => "That recovery key does not open this database.";
    CliUserMissing: Validation, "cli.user.missing" => "Say whose passphrase to set with --user NAME.";
    CliPassphraseMissing: Locked, "cli.passphrase.missing" => "No passphrase: set HAVEN_PASSPHRASE, use --passphrase-file, or run in a terminal.";
    CliPassphraseFileUnreadable: Validation, "cli.passphrase_file.unreadable" => "Could not read the passphrase file {path}: {detail}.";
    CliInputNotJson: Validation, "cli.input.not_json" => "The input is not valid JSON: {detail}.";
    CliOutCannotWrite: Validation, "cli.out.cannot_write" => "Cannot write {path}: {detail}.";
    CliOutNotText: Validation, "cli.out.not_text" => "The file name must be valid text.";
    CliInNotFound: NotFound, "cli.in.not_found" => "There is no file {path}.";
    CliInCannotRead: Validation, "cli.in.cannot_read" => "Cannot read {path}: {detail}.";
    CliInEmpty: Validation, "cli.in.empty" => "{path} is empty: the first row must hold the column headings.";
    CliCsvNotUtf8Row: Validation, "cli.in.not_unicode_row" => "{path} is not UTF-8 text at line {line} (row {row}). Save it as \"CSV UTF-8\" and try again.";
    CliCsvNotUtf8Line: Validation, "cli.in.not_unicode_line" => "{path} is not UTF-8 text at line {line}. Save it as \"CSV UTF-8\" and try again.";
    CliCsvNotUtf8: Validation, "cli.in.not_unicode" => "{path} is not UTF-8 text at an unknown line. Save it as \"CSV UTF-8\" and try again.";
    CliCsvUnequalRow: Validation, "cli.in.unequal_row" => "{path}: line {line} (row {row}) has {len} fields but the heading row has {expected}.";
    CliCsvUnequalLine: Validation, "cli.in.unequal_line" => "{path}: line {line} has {len} fields but the heading row has {expected}.";
    CliCsvUnequal: Validation, "cli.in.unequal" => "{path}: an unknown line has {len} fields but the heading row has {expected}.";
    CliCsvInvalid: Validation, "cli.in.not_csv" => "{path} is not a valid CSV file: {detail}.";
    CliMapInvalid: Validation, "cli.map.invalid" => "--map \"{pair}\" must look like HEADER=field.";
    CliMapUnknownField: Validation, "cli.map.unknown_field" => "\"{field}\" is not a field (see `commands --json`).";
    CliFormatNoPdf: Validation, "cli.format.no_pdf" => "Only the money reports are written as a PDF: choose csv or xlsx.";

    // A form checked without writing (the window's own problems shown with the core's).
    DatabaseCheckedOnly: Internal, "database.checked_only" => "Only checked: nothing was written.";
    ApiCheckOnlyNotAForm: Validation, "api.check_only.not_a_form" => "{name} cannot only check its input: call it without check_only.";
    PersonMerged: Conflict, "person.merged" => "This record was merged into {code}: change that record instead.";
    MergeSamePerson: Validation, "merge.same_person" => "Choose two different records.";
    MergeAlreadyMerged: Conflict, "merge.already_merged" => "{code} is already merged into another record.";
    MergeAnonymised: Conflict, "merge.anonymised" => "{code} is anonymised: an erased record cannot be merged.";
    MergeUnconfirmed: Validation, "merge.unconfirmed" => "Confirm that the two records are the same person.";
}
