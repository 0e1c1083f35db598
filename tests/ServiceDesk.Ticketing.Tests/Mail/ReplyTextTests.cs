using ServiceDesk.Ticketing.Mail;
using Xunit;

namespace ServiceDesk.Ticketing.Tests.Mail;

public sealed class ReplyTextTests
{
    [Theory]
    [InlineData("Done.\n\nOn Tue, 1 Dec 2026, Jane <jane@example.com> wrote:\n> Help.\n> Jane", "Done.")]
    [InlineData("Done.\nOn Tue, 1 Dec 2026 at 09:00, Jane Roe\n<jane@example.com> wrote:\n\n> Help.", "Done.")]
    [InlineData("Am 01.12.2026 schrieb Jane <jane@example.com>:\n> Help?\n\nYes, fixed.", "Yes, fixed.")]
    [InlineData("> Is it on?\nYes.\n> And the screen?\nBlack.", "Yes.\nBlack.")]
    [InlineData("Done.\n\n-----Original Message-----\nFrom: Jane\nHelp.", "Done.")]
    [InlineData("Done.\n\nFrom: Jane <jane@example.com>\nSent: Tuesday\nTo: help@desk.example\n\nHelp.", "Done.")]
    [InlineData("Erledigt.\n\n-----Ursprüngliche Nachricht-----\nVon: Jane\nHilfe.", "Erledigt.")]
    [InlineData("Erledigt.\n\nVon: Jane <jane@example.com>\nGesendet: Dienstag\nAn: help@desk.example\n\nHilfe.", "Erledigt.")]
    [InlineData("Réglé.\n\nDe : Jane <jane@example.com>\nEnvoyé : mardi\nÀ : help@desk.example\n\nAide.", "Réglé.")]
    [InlineData("Done.\n\n*From:* Jane <jane@example.com>\n*Sent:* Tuesday\n\nHelp.", "Done.")]
    [InlineData("Done.\n\nJane Roe wrote:\n> Help.", "Done.")]
    [InlineData("Still down.\n\nJane Roe <jane@example.com> 于2026年12月7日周一 10:00写道：\n\n> Help.", "Still down.")]
    [InlineData("Still down.\n\nJane Roe <jane@example.com> 於 2026年12月7日 週一 上午10:00寫道：\n> Help.", "Still down.")]
    [InlineData("好了。\n\nJane Roe 写道：\n> 帮忙。", "好了。")]
    [InlineData("步骤如下：\n> quoted", "步骤如下：")]
    [InlineData("Resuelto.\n\nDe: Jane <jane@example.com>\nEnviado el: martes, 1 de diciembre de 2026 9:00\nPara: help@desk.example\n\nAyuda.", "Resuelto.")]
    [InlineData("Resolvido.\n\nDe: Jane <jane@example.com>\nEnviada em: terça-feira\n\nAjuda.", "Resolvido.")]
    [InlineData("Готово.\n\nОт: Jane <jane@example.com>\nОтправлено: вторник\nКому: help@desk.example\n\nПомогите.", "Готово.")]
    [InlineData("Hotovo.\n\nOd: Jane <jane@example.com>\nOdesláno: úterý\n\nPomoc.", "Hotovo.")]
    [InlineData("済みです。\n\n差出人: Jane <jane@example.com>\n送信日時: 2026年12月1日 9:00\n宛先: help@desk.example\n\n助けて。", "済みです。")]
    [InlineData("好了。\n\n发件人: Jane <jane@example.com>\n发送时间: 2026年12月1日 9:00\n\n帮忙。", "好了。")]
    [InlineData("Готово.\n\n-----Исходное сообщение-----\nОт: Jane\nПомогите.", "Готово.")]
    [InlineData("Réglé.\n\nJane Roe a\u00A0écrit\u202F:\n> Aide.", "Réglé.")]
    [InlineData("Debugging: on.\nDate: today.", "Debugging: on.\nDate: today.")]
    [InlineData("Date: today.\nFrom: the second floor.\nIt smells.", "Date: today.\nFrom: the second floor.\nIt smells.")]
    [InlineData("Immer noch.\n\nGesendet: Montag, 07. Dezember 2026 um 10:00 Uhr\nVon: \"Jane\" <jane@example.com>\nAn: help@desk.example\nBetreff: VPN\n\nHilfe.", "Immer noch.")]
    [InlineData("Still down.\n\n---- On Mon, 07 Dec 2026 10:00:00 +0100 Jane <jane@example.com> wrote ----\n\n> Help.", "Still down.")]
    [InlineData("Still down.\n\n---- On Mon, 07 Dec 2026 10:00:00 +0100 Jane <jane@example.com> wrote ----\n\nHelp.", "Still down.")]
    [InlineData("Immer noch.\n\nAm Montag, 7. Dezember 2026, 10:00:00 MEZ hat Jane <jane@example.com> Folgendes geschrieben:\n\n\nHilfe.", "Immer noch.")]
    [InlineData("Still down.\n\nJane <jane@example.com> wrote on 07.12.2026 10:00:00:\n\nHelp.", "Still down.")]
    [InlineData("Still down.\n\n------------------ 原始邮件 ------------------\n发件人: \"Jane\"<jane@example.com>;\n发送时间: 2026年12月7日(星期一) 上午10:00\n\nHelp.", "Still down.")]
    [InlineData("Still down.\n\n============ Forwarded message ============\nFrom: Jane <jane@example.com>\nDate: Monday\n\nHelp.", "Still down.")]
    [InlineData("Fixed.\n\nOn Tuesday, 1 December 2026, 09:00, Jane <jane@example.com> wrote:\n\n\nHelp.\nJane", "Fixed.")]
    [InlineData("Fixed.\n\nOn Tuesday, 1 December 2026, 09:00, Jane <\njane@example.com> wrote:\nHelp.", "Fixed.")]
    [InlineData("The engineer wrote:\nit is fine.", "The engineer wrote:\nit is fine.")]
    [InlineData("On 3 Dec the vendor wrote:\nthe part ships Monday.", "On 3 Dec the vendor wrote:\nthe part ships Monday.")]
    [InlineData("Nothing quoted here.\nFrom: the second floor.", "Nothing quoted here.\nFrom: the second floor.")]
    [InlineData("> Only the quote.", "")]
    [InlineData("Thanks. See below:\n> quoted", "Thanks. See below:")]
    public void A_reply_keeps_what_its_sender_wrote(string body, string expected) =>
        Assert.Equal(expected, ReplyText.NewPart(body));

    [Fact]
    public void A_paragraph_longer_than_an_attribution_before_a_quote_is_the_sender_s_own()
    {
        const string body = "The log says:\nline one\nline two\nline three, as below:\n> error 42";
        Assert.Equal("The log says:\nline one\nline two\nline three, as below:", ReplyText.NewPart(body));
    }

    [Fact]
    public void A_gmx_html_reply_keeps_only_what_its_sender_wrote()
    {
        const string html = "<div>Immer noch.</div><div>&nbsp;<div name=\"quote\" style=\"border-left:2.0px solid #C3D9E5;\">"
            + "<div><b>Gesendet:</b>&nbsp;Montag, 07. Dezember 2026 um 10:00 Uhr<br/><b>Von:</b>&nbsp;&quot;Jane Roe&quot; &lt;jane@example.com&gt;<br/>"
            + "<b>An:</b>&nbsp;help@desk.example<br/><b>Betreff:</b>&nbsp;VPN</div><div name=\"quoted-content\">Hilfe, Jane Roe</div></div></div>";
        Assert.Equal("Immer noch.", ReplyText.NewPart(HtmlText.Of(html)));
    }

    /// <summary>A line as long as a message body may be, of the shapes the patterns look for: read in linear time, not quadratic.</summary>
    [Theory]
    [InlineData("-")]
    [InlineData("wrote on 1.1 ")]
    [InlineData("---- x wrote ")]
    public void A_long_line_of_a_pattern_s_pieces_is_read_at_once(string piece)
    {
        var line = string.Concat(Enumerable.Repeat(piece, 262_144 / piece.Length));
        var read = System.Diagnostics.Stopwatch.StartNew();
        ReplyText.NewPart($"Done.\n{line}\n> Help.");
        Assert.InRange(read.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void An_html_quotation_reads_as_quoted_lines()
    {
        var text = HtmlText.Of("<p>Fire is out.</p><div>On Tue, Jane wrote:</div><blockquote>Help.<br>Jane<blockquote>Older.</blockquote></blockquote><p>Bye</p>");
        Assert.Equal("Fire is out.\nOn Tue, Jane wrote:\n> Help.\n> Jane\n> Older.\n> \nBye", text.Replace("\n\n", "\n", StringComparison.Ordinal));
    }
}
