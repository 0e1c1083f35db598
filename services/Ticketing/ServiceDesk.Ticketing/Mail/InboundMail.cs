using ServiceDesk.Contracts.Ticketing.V1;

namespace ServiceDesk.Ticketing.Mail;

/// <summary>
/// A message taken in, by the keyed hash of its Message-ID (<see cref="MessageIds"/>): what a repeat of it is
/// answered with, and which ticket a reply to it belongs to. Written in the same transaction as the ticket change
/// it caused, so a message never changes a ticket twice.
/// </summary>
/// <param name="LetsCopiesIn">
/// Whether a reply naming this message (In-Reply-To, References) is one by reference, whose copied recipients join the
/// ticket: the message that opened the ticket, and a comment taken in as a reply by reference. Not a comment found only
/// by the ticket id in its subject: anyone can write that under any From, with a Message-ID of their choosing, and a
/// second message naming it would let in whoever it copies. Records written before it was kept read as true for the
/// message that opened a ticket, false for a comment.
/// </param>
public sealed record InboundMail(string MessageHash, string TicketId, IngestOutcome Outcome, bool LetsCopiesIn)
{
    /// <summary>The stored field of <see cref="LetsCopiesIn"/>.</summary>
    public const string LetsCopiesInField = "LetsCopiesIn";

    /// <summary><see cref="LetsCopiesIn"/> of a record that may predate the field.</summary>
    public static bool LetsCopiesInOf(bool? stored, IngestOutcome outcome) => stored ?? outcome == IngestOutcome.TicketCreated;
}

/// <summary>A message with this hash was taken in meanwhile; nothing was written.</summary>
public sealed class DuplicateMailException(string messageHash) : Exception("This message was taken in already.")
{
    public string MessageHash { get; } = messageHash;
}
