//! Every refusal a person can meet, written once: a stable code (what a form post's redirect
//! carries as `?error=<code>` and the REST API as `"code"`), the HTTP status, and the message in
//! each language. Services refuse with a variant (`AppError::refused`); doors pass its code on;
//! pages show `Refusal::from_code(code).message(lang)` — the address bar can only pick one of
//! these texts, never put words on a page.
//!
//! Plain words, short sentences, and what to do next: many readers are elderly, on a phone.

use super::error::AppError;
use crate::rules::procedure::ConversionError;
use crate::rules::Lang;

macro_rules! refusals {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $status:literal, $zh:literal, $en:literal; )*) => {
        /// A refusal with its stable code. See the module's documentation.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Refusal {
            $( $(#[$doc])* $name, )*
            /// 程序转换 the law does not allow (`rules::procedure::conversion`).
            Conversion(ConversionError),
        }

        impl Refusal {
            /// Every refusal but the conversion ones (those are listed by `ConversionError::ALL`).
            pub const LISTED: &'static [Refusal] = &[$(Refusal::$name),*];

            /// The stable code: never changes once published (pages and clients match on it).
            pub fn code(self) -> &'static str {
                match self {
                    $(Refusal::$name => $code,)*
                    Refusal::Conversion(e) => e.code(),
                }
            }

            /// The HTTP status the REST API and server functions answer with.
            pub fn status(self) -> u16 {
                match self {
                    $(Refusal::$name => $status,)*
                    Refusal::Conversion(ConversionError::Closed) => 409,
                    Refusal::Conversion(_) => 422,
                }
            }

            /// What the person reads.
            pub fn message(self, lang: Lang) -> &'static str {
                match self {
                    $(Refusal::$name => lang.pick($zh, $en),)*
                    Refusal::Conversion(e) => e.message(lang),
                }
            }
        }
    };
}

refusals! {
    // ---- any page ----------------------------------------------------------------------
    /// A request key or a form that does not belong to the page it came from.
    Stale = "stale", 422,
        "页面已过期，请刷新后再试一次。",
        "This page was out of date. Please reload and try again.";
    /// A file cut off on the way (the connection dropped).
    Upload = "upload", 422,
        "文件没有传完整，没有提交。网络好一点时再试一次。",
        "The file did not arrive whole, and nothing was sent. Try again when the connection is better.";

    // ---- signing in --------------------------------------------------------------------
    BadNumber = "bad_number", 422,
        "手机号格式不对：应为1开头的11位数字。",
        "That mobile number is not valid: 11 digits starting with 1.";
    CodeResendWait = "code_wait", 429,
        "刚发过验证码，请等一分钟再获取。",
        "A code was just sent. Wait a minute before asking again.";
    TooManyCodes = "too_many_codes", 429,
        "验证码请求太多了，请1小时后再试。",
        "Too many codes asked for. Try again in an hour.";
    TooManyTries = "too_many_tries", 429,
        "输错次数太多，请1小时后再试。",
        "Too many wrong codes. Try again in an hour.";
    CodeInvalid = "code_invalid", 422,
        "验证码无效，请重新获取。",
        "That code is not valid. Ask for a new one.";
    CodeExpired = "code_expired", 422,
        "验证码已过期，请重新获取。",
        "The code has expired. Ask for a new one.";
    CodeVoid = "code_void", 422,
        "输错5次，这个验证码已作废，请重新获取。",
        "5 wrong tries: this code is void. Ask for a new one.";
    CodeUsed = "code_used", 409,
        "这个验证码已经用过了，请重新获取。",
        "This code was already used. Ask for a new one.";
    WrongCode = "wrong_code", 422,
        "验证码不对，请再看一下短信。",
        "Wrong code. Look at the SMS again.";
    CodeDigits = "code_digits", 422,
        "验证码是6位数字。",
        "The code has 6 digits.";
    WrongPassword = "wrong_password", 422,
        "手机号或密码不对。",
        "Wrong phone number or password.";
    TooManyPasswords = "too_many_passwords", 429,
        "密码输错太多次，请1小时后再试。忘记密码请联系本院管理员。",
        "Too many wrong passwords: try again in an hour. Forgot it? Ask the court's administrator.";
    SignInBusy = "sign_in_busy", 429,
        "登录的人太多，请稍等几秒再试。",
        "Many people are signing in; try again in a few seconds.";

    // ---- paying (the fee page) ---------------------------------------------------------
    PayDenied = "pay_denied", 403,
        "只有案件的当事人或代理人可以交费。",
        "Only a party or their agent can pay.";
    /// No payment provider is configured here (and this is not the demo): pay at the court.
    OnlinePaymentUnavailable = "online_payment_unavailable", 409,
        "这里暂时不能在网上交费。请到法院的诉讼服务中心窗口交费，或者按交费通知书上的银行账户转账。",
        "Online payment is not available here yet. Please pay at the court's service counter, or by bank transfer to the account on the fee notice.";
    FeePaid = "fee_paid", 409,
        "这笔费用已经交过了，不用再交。请看下面的交费记录。",
        "This has already been paid. See the records below.";

    // ---- fee relief (缓交、减交、免交) -----------------------------------------------------
    ReliefDenied = "relief_denied", 403,
        "缓交、减交、免交由交费的原告申请，由法院的书记员或法官审批。",
        "Relief is applied for by the plaintiff and decided by the court's clerks and judges.";
    ReliefChoice = "relief_choice", 422,
        "请选择申请哪一种，以及符合哪一条情形。",
        "Choose what you ask for and which ground applies.";
    ReliefReason = "relief_reason", 422,
        "请用几句话写明为什么交不起（10到1000个字）。您填的内容没有提交，请重新填写。",
        "Say in a few sentences why you cannot pay (10 to 1,000 characters). Nothing was sent; please fill it in again.";
    ReliefCount = "relief_count", 422,
        "最多上传3个证明材料。",
        "At most 3 documents.";
    ReliefSize = "relief_size", 413,
        "文件太大：每个不能超过4MB。手机照片太大时，可以截图后再上传。",
        "A file is too large: each must be under 4 MB. Take a screenshot of a large photo and upload that.";
    ReliefFile = "relief_file", 422,
        "只能上传照片（JPG、PNG）或PDF文件。",
        "Only photos (JPG, PNG) or PDF files can be uploaded.";
    ReliefPending = "relief_pending", 409,
        "您已经申请过了，法院正在审核。",
        "You have applied already; the court is reviewing it.";
    ReliefDone = "relief_done", 409,
        "这份申请已经处理过了，或者现在没有要交的费用。",
        "This was already handled, or nothing is due now.";
    ReliefDecision = "relief_decision", 422,
        "请选择准许还是不准许。",
        "Choose grant or refuse.";
    ReliefNote = "relief_note", 422,
        "不准许的，要写明理由（诉讼费用交纳办法第48条）。",
        "A refusal must give its reason (art. 48).";
    /// The amount of a reduction (the fee page works out the art. 46 minimum itself).
    ReliefAmount = "relief_amount", 422,
        "减交的金额不对：减交后至少要交应交费用的30%（诉讼费用交纳办法第46条）。",
        "That reduction is not allowed: at least 30 % of the fee remains payable (art. 46).";

    // ---- refunds ---------------------------------------------------------------------
    RefundDenied = "refund_denied", 403,
        "只有法院的书记员或法官可以登记退费。",
        "Only the court's clerks and judges record refunds.";
    RefundReference = "refund_reference", 422,
        "请填写银行转账的流水号（4到64个字符）。",
        "Enter the bank transfer's reference (4 to 64 characters).";
    RefundDone = "refund_done", 409,
        "这笔退费已经退了，或者正在原路退回，不用转账。",
        "This refund is done, or on its way back to the payment; no transfer is needed.";

    // ---- the judge's and clerk's forms on the case page --------------------------------
    ProcedureMissing = "procedure", 422,
        "请选择要转为哪种程序。",
        "Choose the procedure to change to.";
    ProcedureReason = "reason", 422,
        "请写明转换程序的理由（4到200个字），它会写进裁定。",
        "Give the reason for the change (4 to 200 characters); it goes into the ruling.";
    ProcedureChanged = "changed", 409,
        "案件的程序刚刚已经变了，请看页面上现在的程序。",
        "The procedure was just changed; see the case page for the current one.";
    NotDocketed = "not_docketed", 409,
        "案件还没有立案。",
        "The case is not docketed yet.";
    AppealNote = "appeal_note", 422,
        "请写明谁上诉、哪天递交的上诉状（2到200个字）。",
        "Say who appealed and when the appeal was lodged (2 to 200 characters).";
    AppealDone = "appeal_done", 409,
        "已经登记过上诉，或者判决已经生效，不能再登记。",
        "An appeal is recorded already, or the judgment is in force.";
    NotJudgment = "not_judgment", 409,
        "只有判决结案的案件才能登记上诉。",
        "Only a case closed by judgment can be appealed here.";
    OutcomeMissing = "outcome", 422,
        "请选择结案方式：判决、调解或撤诉。",
        "Choose how the case ended: judgment, mediation or withdrawal.";
    JudgeOnly = "denied", 403,
        "您不能做这件事：结案和转换程序由本案承办法官操作，登记上诉由本院书记员或法官操作。",
        "Not allowed: the case's judge closes it and changes its procedure; the court's clerks and judges record appeals.";
    CaseClosed = "done", 409,
        "这个案件已经结案了，或者还没有立案。",
        "This case is already closed, or not docketed yet.";

    // ---- representation (诉讼代理) --------------------------------------------------------
    RepresentationNotYours = "representation_not_yours", 403,
        "只有被代理的当事人本人或本院工作人员可以解除这份委托。",
        "Only the party represented, or the court's staff, can end this representation.";
    RepresentationEnded = "representation_ended", 409,
        "这份委托已经解除了。",
        "This representation has already ended.";

    // ---- filing (立案) ---------------------------------------------------------------
    FilingChanged = "filing_changed", 409,
        "这份材料刚在别处（可能是另一台手机）改过。下面是最新内容，请再看一遍。",
        "This filing was just changed elsewhere (perhaps on another phone). Below is the latest; please check it again.";
    Filed = "filed", 403,
        "已经提交，正在审查，不能再修改。",
        "Already filed and under review: it cannot be changed.";
    Incomplete = "incomplete", 422,
        "还不能提交：下面列出的问题需要先改好。",
        "It cannot be filed yet: fix the problems listed below first.";
    ProfileFirst = "profile", 422,
        "立案前请先完成实名认证（填写姓名和身份证号码）。",
        "Before filing, complete your real-name profile (name and ID number).";
    SignIn = "signin", 401,
        "请先登录。",
        "Please sign in first.";
    StaffFileElsewhere = "staff", 403,
        "工作人员不在这里立案：窗口收到的材料请在立案审查里处理。",
        "Staff do not file here: handle papers from the counter in the review queue.";
    SaveFailed = "save_failed", 500,
        "系统暂时无法保存，请稍后再试。您填的内容还在。",
        "Could not save just now; try again shortly. What you typed is kept.";

    // ---- the review of a filing (立案审查) -------------------------------------------------
    Decided = "decided", 409,
        "这份立案已经处理过了（可能是同事刚处理）。",
        "Already decided (perhaps by a colleague).";
    ForwardOnly = "forward_only", 403,
        "跨域立案由受理法院决定是否立案；递交法院负责核验和转交。",
        "Only the target court dockets or refuses; the receiving court checks and forwards.";
    CorrectionItems = "items", 422,
        "请勾选所有缺少的材料，或写明要补正什么（一次性告知）。",
        "Tick every missing item, or write what to add (all at once).";
    DecisionReason = "decision_reason", 422,
        "请写明理由（至少4个字）。",
        "Write the reason (4 characters or more).";
    DocketProcedure = "docket_procedure", 422,
        "请选择适用的程序。",
        "Choose the procedure.";
    Decision = "decision", 422,
        "请选择一种处理方式。",
        "Choose a decision.";
    ReviewStaffOnly = "review_staff_only", 403,
        "只有法院立案工作人员可以审查立案。",
        "Only the court's filing staff review filings.";
    NoForward = "no_forward", 409,
        "这个案件就在本院审查，不需要转交。",
        "This filing is already at this court.";
    NoteTooLong = "note_too_long", 422,
        "说明最多2000字。",
        "2,000 characters at most.";

    // ---- electronic service (电子送达), the clerk's page --------------------------------------
    Recipients = "recipients", 422,
        "请至少勾选一位受送达人。",
        "Tick at least one recipient.";
    NotParty = "not_party", 422,
        "受送达人不是本案当事人。",
        "A recipient is not a party of this case.";
    DocumentKind = "kind", 422,
        "请选择要送达的文书。",
        "Choose the document to serve.";
    PdfMissing = "pdf_missing", 422,
        "请选择要送达的PDF文件。",
        "Choose the PDF file to serve.";
    NotPdf = "not_pdf", 422,
        "只能送达PDF文件，这个文件不是PDF。",
        "Only PDF files can be served; this file is not a PDF.";
    TooLarge = "too_large", 413,
        "文件太大：最大20MB。",
        "The file is too large: 20 MB at most.";
    Title = "title", 422,
        "请写上文书名称（2到60个字）。",
        "Give the document's title (2 to 60 characters).";
    NotJudged = "not_judged", 409,
        "要先由法官以判决结案，才能送达判决书。",
        "The judge must close the case by judgment before the judgment is served.";
    HearingDate = "hearing_date", 422,
        "请填写开庭日期。",
        "Give the hearing date.";
    HearingTime = "hearing_time", 422,
        "请填写开庭时间，例如 09:30。",
        "Give the hearing time, e.g. 09:30.";
    HearingPast = "hearing_past", 422,
        "开庭时间必须在现在之后。",
        "The hearing must be in the future.";
    HearingPlace = "hearing_place", 422,
        "请填写开庭地点。",
        "Give the hearing place.";
    WrongRecipient = "wrong_recipient", 422,
        "这份通知书不能送给这位当事人（例如应诉通知书只送被告）。",
        "This notice cannot go to that party (e.g. a notice to respond goes to defendants only).";
    Notice = "notice", 422,
        "这份通知书还缺少必要的内容（例如应交的诉讼费）。",
        "This notice lacks something it needs (e.g. a fee owed).";
    NoNumber = "no_number", 409,
        "案件还没有案号，立案后才能送达。",
        "The case has no number yet: serve after docketing.";
    OutcomeRecorded = "outcome_recorded", 409,
        "这份送达的结果已经记录过了。",
        "The outcome was already recorded.";
    Date = "date", 422,
        "请填写日期，例如 2026-11-25。",
        "Give the date, e.g. 2026-11-25.";
    DateRange = "date_range", 422,
        "日期不能早于发出送达的日期，也不能晚于今天。",
        "The date cannot be before the service started or after today.";
    FailureReason = "failure_reason", 422,
        "请写明没有送达的原因（例如：查无此人、拒收）。",
        "Say why it failed (e.g. not found, refused).";
    ServiceOutcome = "service_outcome", 422,
        "请选择送达结果。",
        "Choose the outcome.";
    StaffOnly = "staff_only", 403,
        "只有本院工作人员可以送达文书。",
        "Only this court's staff serve documents.";

    // ---- consent to electronic service (the profile page) -------------------------------
    ConsentPhone = "phone", 422,
        "手机号格式不对：应为1开头的11位数字。",
        "That mobile number is not valid: 11 digits starting with 1.";
    ConsentEmail = "email", 422,
        "电子邮箱格式不对，例如 name@example.com。",
        "That e-mail address is not valid, e.g. name@example.com.";
    ConsentAddress = "address", 422,
        "同意电子送达时，请至少选一个接收地址：收件箱或手机号。",
        "To consent, choose at least one address: the inbox or a mobile number.";
    ConsentChoice = "choice", 422,
        "请选择同意或不同意。",
        "Choose yes or no.";

    // ---- online mediation (DOMAIN-2 §1) ------------------------------------------------
    MediationLitigantsOnly = "mediation_litigants_only", 403,
        "诉前调解由当事人本人申请。工作人员请在“调解工作台”办理。",
        "Parties ask for mediation themselves. Staff use the mediation workbench.";
    MediationNameFirst = "mediation_name_first", 422,
        "请先在“我的”页面填写您的姓名和身份证号，再申请调解。",
        "First give your name and ID number on the profile page, then ask for mediation.";
    MediationCourt = "mediation_court", 422,
        "请选择法院。",
        "Choose the court.";
    MediationCause = "mediation_cause", 422,
        "请选择纠纷的类型。",
        "Choose the kind of dispute.";
    MediationRespondent = "mediation_respondent", 422,
        "请填写对方的姓名。",
        "Give the other side's name.";
    MediationSelf = "mediation_self", 422,
        "对方的手机号不能是您自己的号码。",
        "The other side's number cannot be your own.";
    MediationSummary = "mediation_summary", 422,
        "请用几句话写明是什么纠纷（至少10个字）。",
        "Say in a few sentences what the dispute is (at least 10 characters).";
    MediationAddress = "service_address", 422,
        "请填写送达地址：法院寄送文书的详细地址。",
        "Give your address for service: where the court sends papers.";
    MediationWarning = "mediation_warning", 422,
        "请先阅读关于虚假调解的提醒，并勾选“我已阅读”。",
        "Read the warning about sham mediation and tick \"I have read it\".";
    MediatorOnly = "mediator_only", 403,
        "只有本院的调解员可以办理这一步。",
        "Only this court's mediators can do this.";
    MediationTaken = "mediation_taken", 409,
        "这件调解已经有调解员接手了。",
        "Another mediator has taken this one.";
    InvitationAnswered = "invitation_answered", 409,
        "已经答复过了，或者这件调解已不再等待答复。",
        "This was answered already, or no longer waits for an answer.";
    MediationClosed = "mediation_closed", 409,
        "调解已经结束或协议已经生效，不能再修改或签名。",
        "This mediation has ended or its agreement is in force: no more changes or signatures.";
    MediationExpired = "mediation_expired", 409,
        "调解期限已经到了，不能再修改或签名。没有达成协议的，可以去立案起诉。",
        "The mediation period is over: no more changes or signatures. Without an agreement, you may file a lawsuit.";
    AgreementNotInForce = "agreement_not_in_force", 409,
        "协议还没有生效（要等各方都签名），还没有协议书可以下载。",
        "The agreement is not in force yet (everyone must sign first): there is nothing to download.";
    ConfirmationNotInForce = "confirmation_not_in_force", 409,
        "调解协议还没有生效（要等各方都签名），现在不能申请司法确认。",
        "The agreement is not in force yet (everyone must sign first): no confirmation yet.";
    ConfirmationLate = "confirmation_late", 409,
        "协议生效已超过30日，不能再申请司法确认。协议仍然有效，对方不履行的，可以凭协议起诉。",
        "More than 30 days since the agreement took effect: confirmation is no longer possible. It still binds; if it is not kept, you can sue on it.";
    ConfirmationPartiesOnly = "confirmation_parties_only", 403,
        "只有协议的双方当事人可以申请司法确认。",
        "Only the parties to the agreement can apply for confirmation.";
    ConfirmationClosed = "confirmation_closed", 409,
        "这件司法确认申请已经撤回或已经作出裁定。",
        "This application was withdrawn or has been decided.";
    ConfirmationNotJoint = "confirmation_not_joint", 409,
        "对方还没有一起申请。司法确认要双方共同申请，法院才能审查。",
        "The other side has not applied yet. Both sides must apply before the court can review it.";
    RulingJudgeOnly = "ruling_judge_only", 403,
        "只有本院的法官可以作出裁定。",
        "Only this court's judges can rule.";
    RulingGrounds = "ruling_grounds", 422,
        "请选择裁定结果。驳回申请要勾选理由；不予受理的情形只能选一项。",
        "Choose the ruling. A rejection needs its grounds ticked; a dismissal exactly one.";
    RulingReasons = "ruling_reasons", 422,
        "请写明理由（至少5个字）。",
        "Write the reasons (at least 5 characters).";
    RulingChecklist = "ruling_checklist", 422,
        "确认协议有效前，请逐项核对审查要点并勾选。",
        "Before confirming, check and tick every point of the review.";
    AgreementText = "agreement_text", 422,
        "协议内容有问题，请修改。",
        "The agreement's text needs a change.";
    AgreementEdited = "agreement_edited", 409,
        "刚刚有人保存了新版本。请看最新版本后再修改，您写的内容还在下面。",
        "Someone saved a new version just now. Look at it before changing it; your text is below.";
    NotASigner = "not_a_signer", 403,
        "您不是这份协议的签名人。",
        "You are not one of the signers of this agreement.";
    AgreementStale = "agreement_changed", 409,
        "协议刚刚改过了。请看清新的版本和改动，再决定是否签名。",
        "The agreement changed just now. Read the new version and what changed before signing.";
    AlreadySigned = "already_signed", 409,
        "您已经在这个版本上签过名了，不用再签。",
        "You have signed this version already.";
    SignatureConfirm = "signature_confirm", 422,
        "请勾选“我已读完全部条款，同意签名”。",
        "Tick \"I have read every clause and agree to sign\".";
    SignatureBlank = "signature_blank", 422,
        "请先在签名框里用手指写下您的名字。",
        "First write your name in the signature box with your finger.";
    SignatureImage = "signature_image", 422,
        "签名没有传完整，请清除后重新写一次。",
        "The signature did not arrive whole. Clear it and write it again.";
    DeclineReason = "decline_reason", 422,
        "请写明您不签名的原因。",
        "Say why you will not sign.";
    EndGround = "end_ground", 422,
        "请选择结束调解的原因（在线调解规则第25条）。",
        "Choose why the mediation ends (OMR art. 25).";
    FailureRecord = "failure_record", 422,
        "请写明调解经过和没有达成协议的原因（在线调解规则第21条）。",
        "Record how the mediation went and why it failed (OMR art. 21).";
    CaseMediationJudgeOnly = "case_mediation_judge_only", 403,
        "只有这个案件的承办法官可以开始诉中调解或出具调解书。",
        "Only this case's judge can start mediation in it or issue the mediation statement.";
    CaseNotMediable = "case_not_mediable", 409,
        "这个案件现在不能调解：还没有立案、已经结案，或者属于不能调解的案件（民诉解释第143条）。",
        "This case cannot be mediated now: not docketed yet, closed already, or of a kind that is never mediated (JI22 art. 143).";
    CaseMediationOpen = "case_mediation_open", 409,
        "这个案件已经有一件调解在进行，请先办完或结束它。",
        "A mediation is already under way in this case. Finish or end it first.";
    PartyPhoneMissing = "party_phone_missing", 422,
        "有当事人还没有掌上法庭账户：请填写他的手机号，法院用短信请他同意调解。",
        "A party has no account yet: give their mobile number, so the court can text them to agree.";
    StatementNotReady = "statement_not_ready", 409,
        "调解协议还没有生效（要等各方都签名），或者调解书已经出具过了。",
        "The agreement is not in force yet (everyone must sign), or the statement was issued already.";
    StatementNotOut = "statement_not_out", 409,
        "现在没有等待签收的调解书：还没出具、已经生效，或者调解已经结束。",
        "There is no mediation statement waiting to be signed for: not issued yet, in force already, or the mediation ended.";
    StatementPartiesOnly = "statement_parties_only", 403,
        "只有调解书上的当事人本人可以签收。",
        "Only the parties named in the mediation statement can sign for it.";
    AlreadyReceived = "already_received", 409,
        "您已经签收过这份调解书了，不用再签收。",
        "You have signed for this mediation statement already.";
    ReceiveConfirm = "receive_confirm", 422,
        "请勾选“我已读完调解书，确认签收”。",
        "Tick \"I have read the statement and sign for it\".";
    BackOutTooLate = "back_out_too_late", 409,
        "您已经签收了调解书，不能再反悔；或者调解已经结束。",
        "You have signed for the statement already, so you can no longer back out; or the mediation is over.";
    BackOutReason = "back_out_reason", 422,
        "请写明您不同意调解结果的原因。",
        "Say why you no longer agree.";
    ExtensionDays = "extension_days", 422,
        "请填写延长的天数：1到30天。",
        "Give the days to add: 1 to 30.";
    ExtensionReason = "extension_reason", 422,
        "请写明为什么要延长调解期限。",
        "Say why the period should be longer.";
    ExtensionPending = "extension_pending", 409,
        "已经有一个延长提议在等各方答复，或者调解已经不在进行中。",
        "A proposal to extend is already waiting for the parties, or the mediation is no longer in progress.";
    ExtensionNotOpen = "extension_not_open", 409,
        "现在没有等您答复的延长提议（您已经答复过，或者提议已经结束）。",
        "No proposal to extend waits for your answer (you answered already, or it is over).";
    ConfirmationInLitigation = "confirmation_in_litigation", 409,
        "诉讼中达成的调解协议不用申请司法确认：法院会出具调解书，双方签收后就生效。",
        "An agreement reached during a lawsuit needs no confirmation: the court issues a mediation statement, in force once both sides sign for it.";
    MediationMediator = "mediation_mediator", 422,
        "这位调解员不在所选法院的调解员名册里。请重新选择，或者选“由法院指定”。",
        "That mediator is not on the chosen court's roster. Choose again, or let the court designate one.";
    MediationChosenOther = "mediation_chosen_other", 409,
        "申请人选了另一位调解员。那位调解员答复前（最多3个工作日），其他调解员不能接手。",
        "The applicant chose another mediator. Until that mediator answers (3 working days at most), no one else may take it.";
    ChoiceNotYours = "choice_not_yours", 409,
        "这件调解不是选您主持的，或者已经有人接手了。",
        "This matter did not choose you, or someone has taken it already.";
    ChoiceDeclineReason = "choice_decline_reason", 422,
        "不能接受时要写明理由（在线调解规则第12条），当事人会看到。",
        "Give your reasons for declining (OMR art. 12); the parties will see them.";
    NoMeetingService = "no_meeting_service", 409,
        "本院还没有开通视频调解，请用电话联系当事人，或者约到法院调解。",
        "This court has no video meeting service; call the parties, or meet at the court.";
    SessionTime = "session_time", 422,
        "请填写以后的日期和时间（90天以内），例如 2026-12-10 和 14:30。",
        "Give a date and time in the future (within 90 days), e.g. 2026-12-10 and 14:30.";
    SessionLink = "session_link", 422,
        "会议链接要是本院视频会议服务的房间链接（https，以本院会议服务的地址开头）。",
        "The link must be a room on this court's video meeting service (https, starting with its address).";
    ProfileFields = "profile_fields", 422,
        "背景、擅长领域和调解范围都要填写（每项不超过200字），当事人选调解员时会看到。",
        "Fill in background, specialities and the disputes you take (200 characters each at most): parties see them when choosing.";

    // ---- when it is not the person's doing -------------------------------------------
    Unavailable = "unavailable", 500,
        "暂时没能办好，请稍后再试。您填的内容没有丢，也没有扣款。",
        "That did not work just now. Nothing was lost and nothing was charged. Please try again later.";
}

impl Refusal {
    /// The refusal a code names, if any (a code from the address bar is only ever looked up).
    pub fn from_code(code: &str) -> Option<Refusal> {
        if let Some(e) = ConversionError::from_code(code) {
            return Some(Refusal::Conversion(e));
        }
        Refusal::LISTED.iter().copied().find(|r| r.code() == code)
    }

    /// The message for a code from a redirect, or the plain "try again" for any other.
    pub fn message_for_code(code: &str, lang: Lang) -> &'static str {
        Refusal::from_code(code).unwrap_or(Refusal::Unavailable).message(lang)
    }

    /// This refusal with words worked out by a rule for this very case (the first problem of
    /// a filing, a reduction's minimum): the code and status stay the refusal's.
    pub fn with_message(self, message: String) -> AppError {
        AppError::Refused { code: self.code().to_string(), status: self.status(), message }
    }

    /// This refusal as the error a use case returns, in the caller's language.
    pub fn in_lang(self, lang: Lang) -> AppError {
        AppError::Refused {
            code: self.code().to_string(),
            status: self.status(),
            message: self.message(lang).into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_unique_and_finds_its_refusal() {
        let mut seen = std::collections::HashSet::new();
        let conversions = ConversionError::ALL.into_iter().map(Refusal::Conversion);
        for r in Refusal::LISTED.iter().copied().chain(conversions) {
            assert!(seen.insert(r.code()), "code {} used twice", r.code());
            assert_eq!(Refusal::from_code(r.code()), Some(r));
            assert!((400..600).contains(&r.status()), "{r:?}");
            assert!(!r.message(Lang::Zh).is_empty() && !r.message(Lang::En).is_empty());
        }
        // The generic kinds `AppError::code` gives are not refusals of their own.
        for kind in ["not_found", "not_signed_in", "forbidden", "invalid", "conflict", "rate_limited"] {
            assert_eq!(Refusal::from_code(kind), None, "{kind}");
        }
    }

    #[test]
    fn an_unknown_code_from_the_address_bar_shows_the_plain_try_again() {
        assert_eq!(Refusal::message_for_code("<script>", Lang::Zh), Refusal::Unavailable.message(Lang::Zh));
        assert_eq!(
            Refusal::message_for_code("conv_closed", Lang::En),
            ConversionError::Closed.message(Lang::En)
        );
    }

    #[test]
    fn a_refusal_keeps_its_code_and_status_as_an_error() {
        let e = Refusal::FeePaid.in_lang(Lang::En);
        assert_eq!(e.code(), "fee_paid");
        assert_eq!(e.status(), 409);
        assert_eq!(e.message(), Refusal::FeePaid.message(Lang::En));
    }
}
