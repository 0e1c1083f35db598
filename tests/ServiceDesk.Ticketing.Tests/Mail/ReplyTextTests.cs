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
    public void An_html_quotation_reads_as_quoted_lines()
    {
        var text = HtmlText.Of("<p>Fire is out.</p><div>On Tue, Jane wrote:</div><blockquote>Help.<br>Jane<blockquote>Older.</blockquote></blockquote><p>Bye</p>");
        Assert.Equal("Fire is out.\nOn Tue, Jane wrote:\n> Help.\n> Jane\n> Older.\n> \nBye", text.Replace("\n\n", "\n", StringComparison.Ordinal));
    }
}
