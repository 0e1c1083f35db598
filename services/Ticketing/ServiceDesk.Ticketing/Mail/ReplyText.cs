using System.Text.RegularExpressions;

namespace ServiceDesk.Ticketing.Mail;

/// <summary>
/// What the sender of a reply wrote, without the message it quotes, as service desks take replies in: lines quoted
/// with '>', the attribution that introduces them ("On …, Jane Doe &lt;jane@example.com&gt; wrote:"), and everything from
/// the header an Outlook-style reply puts above the original ("From: … Sent: …", "-----Original Message-----", and as
/// Outlook writes them in other languages: "Von: … Gesendet: …", "De : … Envoyé : …"; GMX's "Gesendet: … Von: … An: …";
/// Zoho's "---- On …, Jane Doe &lt;jane@example.com&gt; wrote ----"). The
/// quoted text is on the ticket already; copied into a comment again it would bring back what a removal has since
/// redacted from the ticket, a removed customer's name and address in the attribution first of all.
/// </summary>
public static partial class ReplyText
{
    /// <summary>The lines before a quote, the last ending with ':', taken as its attribution: one, wrapped at most twice.</summary>
    private const int AttributionLines = 3;

    /// <summary>How far below a "From:" line an Outlook-style header names its date.</summary>
    private const int HeaderLines = 4;

    public static string NewPart(string body)
    {
        var lines = body.ReplaceLineEndings("\n").Split('\n');
        var (end, afterAttribution) = OriginalMessageStart(lines);
        var kept = new List<string>();
        var quoting = false;
        for (var index = 0; index < end; index++)
        {
            var quoted = lines[index].TrimStart().StartsWith('>');
            if (quoted && !quoting)
            {
                DropAttribution(kept);
            }

            quoting = quoted;
            if (!quoted)
            {
                kept.Add(lines[index]);
            }
        }

        if (afterAttribution)
        {
            DropAttribution(kept);
        }

        return BlankLines().Replace(string.Join('\n', kept), "\n\n").Trim();
    }

    /// <summary>
    /// The first line of a quoted original that is not marked with '>': its separator or its header; or the line after an
    /// attribution that names an address and is followed by the original unmarked, as Yahoo and some phones quote
    /// ("On Tuesday, 1 December 2026, Jane Roe &lt;jane@example.com&gt; wrote:" and the original below), which is then
    /// dropped as any attribution is.
    /// </summary>
    private static (int Start, bool AfterAttribution) OriginalMessageStart(string[] lines)
    {
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].Trim();
            if (OriginalMessageSeparator().IsMatch(line) || DashedAttribution().IsMatch(line))
            {
                return (index, false);
            }

            if (!line.StartsWith('>') && SaysWhoWrote(line) && NamesAnAddress(lines, index)
                && lines.Skip(index + 1).FirstOrDefault(next => next.Trim().Length > 0) is { } following && !following.TrimStart().StartsWith('>'))
            {
                return (index + 1, true);
            }

            if (HeaderFrom().IsMatch(line) && lines.Skip(index + 1).Take(HeaderLines).Any(next => HeaderDate().IsMatch(next.TrimStart())))
            {
                return (index > 0 && Rule().IsMatch(lines[index - 1].Trim()) ? index - 1 : index, false);
            }

            // GMX and web.de put the date first ("Gesendet: Montag, …", then "Von: Jane Roe <jane@…>" and "An: …"); the
            // recipients' line tells it from a sender's own "Date: …" and "From: …".
            if (HeaderFrom().IsMatch(line) && index > 0 && index + 1 < lines.Length
                && HeaderDate().IsMatch(lines[index - 1].TrimStart()) && HeaderTo().IsMatch(lines[index + 1].TrimStart()))
            {
                return (index > 1 && Rule().IsMatch(lines[index - 2].Trim()) ? index - 2 : index - 1, false);
            }
        }

        return (lines.Length, false);
    }

    /// <summary>
    /// Whether the attribution ending on the line names an address, on that line or the two above it it may be wrapped
    /// from: a date alone does not tell it from the sender's own words ("On 3 Dec the vendor wrote:" and what they wrote).
    /// </summary>
    private static bool NamesAnAddress(string[] lines, int index) =>
        lines[..(index + 1)].Reverse().Take(AttributionLines).TakeWhile(line => line.Trim().Length > 0).Any(line => line.Contains('@'));

    /// <summary>Removes the paragraph just written if it ends with ':' and is short enough to be the quote's attribution.</summary>
    private static void DropAttribution(List<string> kept)
    {
        var end = kept.Count;
        while (end > 0 && kept[end - 1].Trim().Length == 0)
        {
            end--;
        }

        if (end == 0 || !EndsWithColon(kept[end - 1]))
        {
            return;
        }

        // An attribution wrapped over lines breaks them mid-sentence; a line ending a sentence is the sender's.
        var start = end - 1;
        while (start > 0 && end - start < AttributionLines && ContinuesOnNextLine(kept[start - 1]))
        {
            start--;
        }

        if (start > 0 && ContinuesOnNextLine(kept[start - 1]))
        {
            // Longer than an attribution: the sender's own paragraph, which only leads into the quote.
            return;
        }

        // An attribution names when or whom ("On 1 Dec 2026, Jane <jane@example.com> wrote:"), or says that someone wrote
        // ("Jane Roe wrote:", as mail programs write it without a date); "See below:" leads in.
        if (SaysWhoWrote(kept[end - 1].TrimEnd()) || kept.Skip(start).Take(end - start).Any(line => line.Contains('@') || line.Any(char.IsAsciiDigit)))
        {
            kept.RemoveRange(start, kept.Count - start);
        }
    }

    private static bool SaysWhoWrote(string line) => Wrote().IsMatch(line) || WroteBeforeName().IsMatch(line);

    /// <summary>Chinese and Japanese mail programs end an attribution with the full-width colon ("…写道：").</summary>
    private static bool EndsWithColon(string line) => line.TrimEnd() is { Length: > 0 } text && text[^1] is ':' or '\uFF1A';

    private static bool ContinuesOnNextLine(string line) => line.TrimEnd() is { Length: > 0 } text && !".!?".Contains(text[^1], StringComparison.Ordinal);

    /// <summary>The separator above a quoted original, in the languages mail programs write it in.</summary>
    [GeneratedRegex(
        @"^(-{2,}|={2,})\s*(Original Message|Forwarded message|Ursprüngliche Nachricht|Weitergeleitete Nachricht|Message d'origine|Message transféré|Mensaje original|Mensaje reenviado|Messaggio originale|Messaggio inoltrato|Mensagem original|Oorspronkelijk bericht|Doorgestuurd bericht|Originalmeddelande|Oprindelig meddelelse|Opprinnelig melding|Alkuperäinen viesti|Oryginalna wiadomość|Исходное сообщение|Původní zpráva|Eredeti üzenet|Orijinal İleti|原始邮件|原始郵件|元のメッセージ)\s*(-{2,}|={2,})$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OriginalMessageSeparator();

    /// <summary>An attribution framed by dashes, as Zoho writes it: "---- On Mon, 07 Dec 2026 … Jane Roe &lt;jane@…&gt; wrote ----".</summary>
    [GeneratedRegex(@"^-{2,}\s*[^-\s].*\b(" + WroteWords + @")\s*-{2,}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DashedAttribution();

    /// <summary>"Wrote" as the attributions of mail programs say it in the languages they write it in (<see cref="Wrote"/> knows more forms).</summary>
    private const string WroteWords = @"wrote|schrieb|a\s+écrit|escribió|ha scritto|schreef|skrev|escreveu|napisał|kirjoitti|a\s+scris|menulis|đã\s+viết";

    /// <summary>
    /// The first line of an Outlook-style header, in the languages Outlook writes it in ("From:", "Von:", "De :", "De la:",
    /// "Từ:", "От:", "من:", "מאת:", "差出人:", "发件人："), bold as a plain-text rendering of it marks it ("*From:*").
    /// </summary>
    [GeneratedRegex(@"^\*?(From|Von|De|De la|Da|Van|Från|Fra|Od|Dari|Từ|Lähettäjä|От|Від|Kimden|Feladó|Από|من|מאת|差出人|发件人|寄件者|보낸 사람)\s*[:：]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HeaderFrom();

    /// <summary>
    /// The line of an Outlook-style header that names the date ("Sent:", "Gesendet:", "Envoyé :", "Enviado el:", "Отправлено:",
    /// "送信日時:", "Date:").
    /// </summary>
    [GeneratedRegex(
        @"^\*?(Sent|Date|Gesendet|Datum|Envoyé|Enviado|Enviado el|Enviada|Enviada em|Fecha|Inviato|Data|Verzonden|Skickat|Sendt|Lähetetty|Wysłano|Trimis|Dikirim|Đã gửi|Отправлено|Надіслано|Дата|Odesláno|Gönderildi|Tarih|Elküldve|Dátum|Στάλθηκε|تم الإرسال|נשלח|送信日時|日時|发送时间|寄件日期|日期|보낸 날짜)\s*[:：]",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HeaderDate();

    /// <summary>The line of an Outlook-style header that names the recipients ("To:", "An:", "À :", "Para:", "Кому:").</summary>
    [GeneratedRegex(
        @"^\*?(To|An|À|Para|A|Aan|Till|Til|Do|Către|Kepada|Đến|Vastaanottaja|Кому|Komu|Kime|Címzett|Προς|إلى|אל|宛先|收件人|收件者|받는 사람)\s*[:：]",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HeaderTo();

    /// <summary>
    /// The end of an attribution that says someone wrote, in the languages mail programs write it in ("hat Jane Roe
    /// Folgendes geschrieben:" as Yahoo writes German, "wrote on 07.12.2026 10:00:00:" as Lotus Notes does); Chinese with
    /// the full-width colon, and no word boundary before it ("于2026年12月7日 10:00写道：").
    /// </summary>
    [GeneratedRegex(
        @"(\b(" + WroteWords + @"|writes|geschrieben|написал\(а\)|написал|написала|пишет|napsal\(a\)|napsal|napsala|yazdı|כתב/ה|כתבה|כתב)|\b(wrote|schrieb)\s+(on|am)\s+[0-9./\-]+\s+[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?(\s*[AP]M)?|写道|寫道)\s*[:：]$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Wrote();

    /// <summary>
    /// An attribution that says who wrote before it names them, as Gmail writes Arabic ("في …، تمت كتابة ما يلي بواسطة Jane
    /// Roe &lt;jane@example.com&gt;:") and Hebrew ("בתאריך … מאת Jane Roe &lt;jane@example.com&gt;:") and Apple Mail Arabic
    /// ("في …، كتب Jane Roe &lt;…&gt;:"). Only with an address: without one, "في المكتبة كتب كثيرة:" ("in the library are many
    /// books:") is the sender's. Anchored at the line's start, its end and address checked once each from there: each
    /// part is read once, however often the line repeats the words.
    /// </summary>
    [GeneratedRegex(@"^(?=.*[:：]$)(?=.*@)(في|בתאריך)\s.*\s(كتب|بواسطة|מאת)\s", RegexOptions.CultureInvariant)]
    private static partial Regex WroteBeforeName();

    [GeneratedRegex(@"^[_\-]{10,}$")]
    private static partial Regex Rule();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();
}
