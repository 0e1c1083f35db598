using System.Text.RegularExpressions;
using MimeKit;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Ticketing.Mail;

/// <summary>A sender or a copied recipient: the normalised address, and the display name a new customer would get.</summary>
public sealed partial record Mailbox(string Address, string DisplayName)
{
    /// <summary>What a refusal of a mailbox whose quoted local part needs its quotes adds (<see cref="NeedsItsQuotes(MailboxAddress)"/>).</summary>
    public const string QuotedLocalPartRule =
        "a quoted local part is taken only where it is an address without its quotes (\"zoe\"@example.com as zoe@example.com): Directory holds no other";

    /// <summary>The longest mailbox accepted ("Name &lt;address&gt;").</summary>
    public const int MaxLength = 320;

    private const int MaxDisplayNameLength = 200;

    /// <summary>"Jane Doe &lt;jane@example.com&gt;" or "jane@example.com"; null when it names no valid address.</summary>
    public static Mailbox? TryParse(string text) =>
        text.Length <= MaxLength && MailboxAddress.TryParse(text, out var mailbox) ? Of(mailbox) : null;

    /// <summary>The display name, or the local part when it has none a person could read or it holds an address.</summary>
    public static Mailbox? Of(MailboxAddress mailbox)
    {
        if (!EmailAddress.TryParse(Unquoted(mailbox), out var address))
        {
            return null;
        }

        var name = mailbox.Name?.Trim() ?? string.Empty;
        var violations = new FieldViolations();
        violations.DisplayText("name", name, MaxDisplayNameLength);
        return new Mailbox(address.Value, violations.IsEmpty && !HoldsAddress(name) ? name : address.LocalPart);
    }

    /// <summary>Whether the text is a mailbox refused only because its quoted local part needs its quotes ("zoe roe"@example.com).</summary>
    public static bool NeedsItsQuotes(string text) => text.Length <= MaxLength && MailboxAddress.TryParse(text, out var mailbox) && NeedsItsQuotes(mailbox);

    public static bool NeedsItsQuotes(MailboxAddress mailbox) => mailbox.LocalPart.StartsWith('"') && Of(mailbox) is null;

    /// <summary>
    /// The address, a quoted local part as the same address without its quotes and quoted-pair escapes ("zoe.roe"@example.com
    /// and "zoe\.roe"@example.com are zoe.roe@example.com, RFC 5322 3.4.1): Directory holds addresses unquoted, and an erased
    /// address's tombstone is of that spelling. One that needs its quotes ("zoe roe"@…) stays quoted, which no address is.
    /// </summary>
    private static string Unquoted(MailboxAddress mailbox) =>
        mailbox.LocalPart is ['"', .. var quoted, '"'] ? $"{QuotedPair().Replace(quoted, "$1")}@{mailbox.Domain}" : mailbox.Address;

    [GeneratedRegex(@"\\(.)", RegexOptions.Singleline)]
    private static partial Regex QuotedPair();

    /// <summary>
    /// A display name is whatever the sender writes, and a list rewriting From for DMARC writes the original sender's
    /// address there ("'jane@example.com' via Team"): taken as a new customer's name, an erased address would be stored
    /// again, past the erasure ledger, which only ever sees the mailbox's own address.
    /// </summary>
    private static bool HoldsAddress(string name) => name.AsSpan().IndexOfAny('@', '\uFF20', '\uFE6B') >= 0;
}

/// <summary>One inbound message, whichever form it came in: what the intake needs of it.</summary>
/// <param name="RepliesTo">In-Reply-To and References, the message ids it may answer.</param>
public sealed record IncomingEmail(string MessageId, IReadOnlyList<string> RepliesTo, Mailbox From, IReadOnlyList<Mailbox> Cc, string Subject, string Body)
{
    public const int MaxMessageIdLength = 998;
    public const int MaxSubjectLength = 998;
    public const int MaxBodyLength = 262_144;
    public const int MaxCc = 50;
    public const int MaxReferences = 50;

    /// <summary>From the structured request, which its validator checked.</summary>
    public static IncomingEmail FromRequest(IngestEmailRequest request) => new(
        request.MessageId,
        [request.InReplyTo, .. request.References],
        Mailbox.TryParse(request.From)!,
        [.. request.Cc.Select(Mailbox.TryParse).OfType<Mailbox>()],
        request.Subject,
        request.BodyText.Length > 0 ? request.BodyText : HtmlText.Of(request.BodyHtml));

    /// <summary>From the bytes an MTA received (RFC 5322 / MIME).</summary>
    /// <exception cref="ValidationException">Not a message Ticketing can take: no Message-ID, no From address, too many Cc.</exception>
    public static async Task<IncomingEmail> ParseAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        MimeMessage message;
        try
        {
            message = await MimeMessage.LoadAsync(stream, cancellationToken);
        }
        catch (FormatException)
        {
            throw new ValidationException("message", "is not an RFC 5322 message");
        }

        var messageId = message.MessageId ?? string.Empty;
        var from = message.From.Mailboxes.Select(Mailbox.Of).FirstOrDefault(mailbox => mailbox is not null);
        var cc = message.Cc.Mailboxes.Select(Mailbox.Of).OfType<Mailbox>().ToList();
        var violations = new FieldViolations();
        if (messageId.Length > MaxMessageIdLength || MessageIds.Normalise(messageId).Length == 0)
        {
            violations.Add("message", $"must have a Message-ID of at most {MaxMessageIdLength} characters");
        }

        if (from is null)
        {
            violations.Add(
                "message",
                message.From.Mailboxes.Any(Mailbox.NeedsItsQuotes)
                    ? $"must have a From header with an e-mail address; {Mailbox.QuotedLocalPartRule}"
                    : "must have a From header with an e-mail address");
        }

        if (cc.Count > MaxCc)
        {
            violations.Add("message", $"must copy (Cc) at most {MaxCc} addresses");
        }

        violations.ThrowIfAny();
        return new IncomingEmail(
            messageId,
            [message.InReplyTo ?? string.Empty, .. message.References.TakeLast(MaxReferences)],
            from!,
            cc,
            ReadableText.Truncated(message.Subject ?? string.Empty, MaxSubjectLength),
            ReadableText.Truncated(message.TextBody ?? HtmlText.Of(message.HtmlBody ?? string.Empty), MaxBodyLength));
    }
}
