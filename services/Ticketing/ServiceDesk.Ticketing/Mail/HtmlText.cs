using System.Text;
using System.Text.RegularExpressions;
using MimeKit.Text;

namespace ServiceDesk.Ticketing.Mail;

/// <summary>
/// The text a person reads in an HTML body: data outside scripts and styles, a line break per block, and the lines of a
/// quotation marked with '>' as a plain-text reply quotes them (<see cref="ReplyText"/> leaves them out of a reply).
/// </summary>
public static partial class HtmlText
{
    public static string Of(string html)
    {
        var text = new StringBuilder();
        var skipping = 0;
        var quoting = 0;
        var tokenizer = new HtmlTokenizer(new StringReader(html)) { DecodeCharacterReferences = true };
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when tag.Id is HtmlTagId.Script or HtmlTagId.Style or HtmlTagId.Head:
                    skipping += tag.IsEndTag ? -1 : tag.IsEmptyElement ? 0 : 1;
                    break;
                case HtmlTagToken tag when tag.Id is HtmlTagId.BlockQuote:
                    quoting = Math.Max(0, quoting + (tag.IsEndTag ? -1 : tag.IsEmptyElement ? 0 : 1));
                    text.Append(LineBreak(quoting));
                    break;
                case HtmlTagToken tag when tag.Id is HtmlTagId.Br or HtmlTagId.P or HtmlTagId.Div or HtmlTagId.LI or HtmlTagId.TR
                    or HtmlTagId.H1 or HtmlTagId.H2 or HtmlTagId.H3 or HtmlTagId.H4 or HtmlTagId.H5 or HtmlTagId.H6
                    or HtmlTagId.Table or HtmlTagId.UL or HtmlTagId.OL or HtmlTagId.DL or HtmlTagId.DT or HtmlTagId.DD or HtmlTagId.HR or HtmlTagId.Pre
                    or HtmlTagId.Section or HtmlTagId.Article or HtmlTagId.Aside or HtmlTagId.Header or HtmlTagId.Footer or HtmlTagId.Nav or HtmlTagId.Main
                    or HtmlTagId.Address or HtmlTagId.Figure or HtmlTagId.FigCaption or HtmlTagId.Center or HtmlTagId.FieldSet
                    or HtmlTagId.Legend or HtmlTagId.Details or HtmlTagId.Summary:
                    text.Append(LineBreak(quoting));
                    break;
                // A word-break opportunity shows nothing, as a zero-width space does, and like it separates the words it stands
                // between: left out, "Jane<wbr>Roe" was one word no removal's kept name matches.
                case HtmlTagToken tag when tag.Id is HtmlTagId.Wbr:
                    text.Append('\u200B');
                    break;
                // Cells read apart: run together, a name split over two ("<td>Jane</td><td>Roe</td>") was one word no
                // removal's kept name matches, and was stored as it came.
                case HtmlTagToken tag when tag.Id is HtmlTagId.TD or HtmlTagId.TH:
                    text.Append(' ');
                    break;
                case HtmlDataToken data when skipping <= 0 && data.Kind == HtmlTokenKind.Data:
                    text.Append(quoting > 0 ? data.Data.Replace("\n", LineBreak(quoting), StringComparison.Ordinal) : data.Data);
                    break;
            }
        }

        return BlankLines().Replace(Spaces().Replace(text.ToString(), " "), "\n\n").Trim();
    }

    private static string LineBreak(int quoting) => quoting > 0 ? "\n> " : "\n";

    [GeneratedRegex("[ \\t\\r\\f\\v]+")]
    private static partial Regex Spaces();

    [GeneratedRegex("( ?\\n ?){3,}")]
    private static partial Regex BlankLines();
}
