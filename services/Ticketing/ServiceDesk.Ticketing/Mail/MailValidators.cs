using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Ticketing.Mail;

internal sealed class IngestEmailValidator : IRequestValidator<IngestEmailRequest>
{
    public void Validate(IngestEmailRequest request, FieldViolations violations)
    {
        violations.ProjectKey("project_key", request.ProjectKey);
        if (violations.Required("message_id", request.MessageId))
        {
            if (request.MessageId.Length > IncomingEmail.MaxMessageIdLength)
            {
                violations.MaxLength("message_id", request.MessageId, IncomingEmail.MaxMessageIdLength);
            }
            else if (MessageIds.Normalise(request.MessageId).Length == 0)
            {
                // Kept, "<>" would be every such message's id: each later one, whoever sent it, a duplicate of the first.
                violations.Add("message_id", "must hold an id inside its angle brackets, such as <id@host>");
            }
        }

        violations.MaxLength("in_reply_to", request.InReplyTo, IncomingEmail.MaxMessageIdLength);
        if (violations.Required("from", request.From) && Mailbox.TryParse(request.From) is null)
        {
            violations.Add("from", MailboxRule(request.From));
        }

        if (violations.MaxCount("cc", request.Cc.Count, IncomingEmail.MaxCc))
        {
            for (var i = 0; i < request.Cc.Count; i++)
            {
                if (Mailbox.TryParse(request.Cc[i]) is null)
                {
                    violations.Add($"cc[{i}]", MailboxRule(request.Cc[i]));
                }
            }
        }

        if (violations.MaxCount("references", request.References.Count, IncomingEmail.MaxReferences))
        {
            for (var i = 0; i < request.References.Count; i++)
            {
                violations.MaxLength($"references[{i}]", request.References[i], IncomingEmail.MaxMessageIdLength);
            }
        }

        violations.MaxLength("subject", request.Subject, IncomingEmail.MaxSubjectLength);
        violations.MaxLength("body_text", request.BodyText, IncomingEmail.MaxBodyLength);
        violations.MaxLength("body_html", request.BodyHtml, IncomingEmail.MaxBodyLength);
    }

    private static string MailboxRule(string text) =>
        Mailbox.NeedsItsQuotes(text)
            ? $"must be a mailbox such as \"Name <name@example.com>\" or name@example.com; {Mailbox.QuotedLocalPartRule}"
            : "must be a mailbox such as \"Name <name@example.com>\" or name@example.com";
}

internal sealed class IngestRawEmailValidator : IRequestValidator<IngestRawEmailRequest>
{
    public void Validate(IngestRawEmailRequest request, FieldViolations violations)
    {
        violations.ProjectKey("project_key", request.ProjectKey);
        if (request.Message.IsEmpty)
        {
            violations.Add("message", "is required");
        }
    }
}
