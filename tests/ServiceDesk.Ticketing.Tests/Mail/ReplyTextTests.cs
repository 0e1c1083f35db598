using ServiceDesk.Hosting.Validation;
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
    [InlineData("Rezolvat.\n\nDe la: Jane <jane@example.com>\nTrimis: marți, 1 decembrie 2026 09:00\nCătre: help@desk.example\nSubiect: VPN\n\nAjutor.", "Rezolvat.")]
    [InlineData("Sudah beres.\n\nDari: Jane <jane@example.com>\nDikirim: Selasa, 01 Desember 2026 09.00\nKepada: help@desk.example\nPerihal: VPN\n\nTolong.", "Sudah beres.")]
    [InlineData("Đã xong.\n\nTừ: Jane <jane@example.com>\nĐã gửi: Thứ Ba, ngày 1 tháng 12 năm 2026 9:00 SA\nĐến: help@desk.example\nChủ đề: VPN\n\nGiúp với.", "Đã xong.")]
    [InlineData("تم الحل.\n\nمن: Jane <jane@example.com>\nتم الإرسال: الثلاثاء، 1 ديسمبر 2026 9:00 ص\nإلى: help@desk.example\nالموضوع: VPN\n\nساعدوني.", "تم الحل.")]
    [InlineData("טופל.\n\nמאת: Jane <jane@example.com>\nנשלח: יום שלישי 01 דצמבר 2026 09:00\nאל: help@desk.example\nנושא: VPN\n\nעזרה.", "טופל.")]
    [InlineData("Rezolvat.\n\nPe mar., 1 dec. 2026 la 09:00, Jane Roe <jane@example.com> a scris:\n\nAjutor.", "Rezolvat.")]
    [InlineData("Sudah beres.\n\nPada tanggal Sel, 1 Des 2026 pukul 09.00 Jane Roe <jane@example.com> menulis:\n\nTolong.", "Sudah beres.")]
    [InlineData("Đã xong.\n\nVào Th 3, 1 thg 12, 2026 vào lúc 09:00 Jane Roe <jane@example.com> đã viết:\n\nGiúp với.", "Đã xong.")]
    [InlineData("טופל.\n\nב-1 בדצמ׳ 2026, בשעה 9:00, Jane Roe <jane@example.com> כתב/ה:\n\nעזרה.", "טופל.")]
    [InlineData("Rezolvat.\n\nJane Roe a scris:\n> Ajutor.", "Rezolvat.")]
    [InlineData("Sudah beres.\n\nJane Roe menulis:\n> Tolong.", "Sudah beres.")]
    [InlineData("في المكتبة كتب كثيرة:\n> اقتباس", "في المكتبة كتب كثيرة:")]
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

    /// <summary>
    /// Gmail's Arabic and Hebrew attributions name who wrote after saying so, the name and address embedded left to right;
    /// read as the intake reads mail, without the embedding characters (<see cref="ReadableText.FitsLines"/>).
    /// </summary>
    [Theory]
    [InlineData("تم الحل.\n\n\u202Bفي الثلاثاء، 1 ديسمبر 2026 في 9:00 ص تمت كتابة ما يلي بواسطة \u202AJane Roe\u202C\u200F <\u202Ajane@example.com\u202C\u200F>:\u202C\n\nساعدوني.", "تم الحل.")]
    [InlineData("טופל.\n\n\u202Bבתאריך יום ג׳, 1 בדצמ׳ 2026 ב-9:00 מאת \u202AJane Roe\u202C\u200F <\u202Ajane@example.com\u202C\u200F>:\u202C\n\nעזרה.", "טופל.")]
    [InlineData("تم الحل.\n\n\u202Bفي الثلاثاء، 1 ديسمبر 2026 في 9:00 ص تمت كتابة ما يلي بواسطة \u202AJane Roe\u202C\u200F <\u202Ajane@example.com\u202C\u200F>:\u202C\n> ساعدوني.", "تم الحل.")]
    public void A_right_to_left_gmail_attribution_naming_who_wrote_after_saying_so_starts_the_original(string body, string expected) =>
        Assert.Equal(expected, ReplyText.NewPart(ReadableText.Keeping(body, ReadableText.FitsLines)));

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
    [InlineData("في كتب @:")]
    [InlineData("في كتب@ :")]
    [InlineData("a scris :")]
    public void A_long_line_of_a_pattern_s_pieces_is_read_at_once(string piece)
    {
        var line = string.Concat(Enumerable.Repeat(piece, 262_144 / piece.Length));
        var read = System.Diagnostics.Stopwatch.StartNew();
        ReplyText.NewPart($"Done.\n{line}\n> Help.");
        Assert.InRange(read.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Words a page shows apart are read apart: a word-break opportunity (<c>&lt;wbr&gt;</c>) as a zero-width space, and the
    /// blocks of HTML5 pages and mail templates (sections, headers, figures, details…) on lines of their own. Run together,
    /// a removed customer's name split over them was one word, which no kept name matches.
    /// </summary>
    [Theory]
    [InlineData("<p>Erin<wbr>Quist</p>")]
    [InlineData("<section>Erin</section><section>Quist</section>")]
    [InlineData("<header>Erin</header><article>Quist</article>")]
    [InlineData("<figure><figcaption>Erin</figcaption></figure><address>Quist</address>")]
    [InlineData("<details><summary>Erin</summary></details><footer>Quist</footer>")]
    public void Words_a_page_shows_apart_are_read_apart(string html) =>
        Assert.Equal(["Erin", "Quist"], System.Text.RegularExpressions.Regex.Split(HtmlText.Of(html), @"[^\p{L}]+").Where(word => word.Length > 0));

    [Fact]
    public void An_html_quotation_reads_as_quoted_lines()
    {
        var text = HtmlText.Of("<p>Fire is out.</p><div>On Tue, Jane wrote:</div><blockquote>Help.<br>Jane<blockquote>Older.</blockquote></blockquote><p>Bye</p>");
        Assert.Equal("Fire is out.\nOn Tue, Jane wrote:\n> Help.\n> Jane\n> Older.\n> \nBye", text.Replace("\n\n", "\n", StringComparison.Ordinal));
    }
}
