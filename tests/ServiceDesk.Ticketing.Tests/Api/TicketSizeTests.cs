using Google.Rpc;
using Grpc.Core;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Ticketing.Tests.Api;

/// <summary>
/// A ticket's texts are bounded in bytes, and a page of tickets in serialized size, so that a caller (a customer
/// commenting on their own ticket included) cannot make a ticket, or a page listing it, too large for a gRPC
/// client's 4 MiB message limit.
/// </summary>
[Collection(TicketingCollection.Name)]
public sealed class TicketSizeTests(TicketingHosts hosts)
{
    // 32,768 characters of three UTF-8 bytes each: the longest comment, 96 KiB.
    private static readonly string LargestComment = new('\u4E00', 32_768);

    [Fact]
    public async Task A_ticket_takes_comments_up_to_one_MiB_of_text_and_stays_readable()
    {
        var project = await hosts.NewProjectAsync();
        var reporter = await hosts.NewCustomerAsync("Writing Wendy", project);
        var ticket = await hosts.NewTicketAsync(project, reporter.Id);
        var customer = await hosts.NewSignedInAsync(ServiceDesk.Contracts.Identity.V1.Role.Customer, reporter.Id);

        var added = 0;
        RpcException? full = null;
        while (full is null && added < 20)
        {
            try
            {
                await hosts.Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = LargestComment }, customer);
                added++;
            }
            catch (RpcException error)
            {
                full = error;
            }
        }

        Assert.Equal(10, added);
        Assert.Equal(StatusCode.FailedPrecondition, full!.StatusCode);
        Assert.Equal("COMMENTS", full.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
        var read = await hosts.Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, hosts.Admin);
        Assert.Equal(10, read.Comments.Count);
        await hosts.Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = "A short one still fits." }, customer);
    }

    /// <summary>
    /// Internal comments have a budget of their own: staff filling it neither refuse the customer's public comments
    /// (the refusal would tell the customer that comments they cannot see exist) nor make the ticket unreadable.
    /// </summary>
    [Fact]
    public async Task Internal_comments_filling_their_budget_leave_the_customer_s_budget_whole()
    {
        var project = await hosts.NewProjectAsync();
        var reporter = await hosts.NewCustomerAsync("Writing Wilma", project);
        var ticket = await hosts.NewTicketAsync(project, reporter.Id);
        var customer = await hosts.NewSignedInAsync(ServiceDesk.Contracts.Identity.V1.Role.Customer, reporter.Id);
        for (var i = 0; i < 10; i++)
        {
            await hosts.Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = LargestComment, Internal = true }, hosts.Admin);
        }

        var internalFull = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () =>
            hosts.Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = LargestComment, Internal = true }, hosts.Admin));
        for (var i = 0; i < 10; i++)
        {
            await hosts.Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = LargestComment }, customer);
        }

        var publicFull = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () =>
            hosts.Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = LargestComment }, customer));

        Assert.Equal("COMMENTS", internalFull.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
        Assert.Equal("COMMENTS", publicFull.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
        var read = await hosts.Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, hosts.Admin);
        Assert.Equal((10, 10), (read.Comments.Count(comment => comment.Internal), read.Comments.Count(comment => !comment.Internal)));
        Assert.InRange(read.CalculateSize(), 1, 4 * 1024 * 1024);
    }

    [Fact]
    public async Task A_page_of_tickets_ends_early_past_two_MiB_and_its_token_goes_on_to_every_ticket_once()
    {
        var project = await hosts.NewProjectAsync();
        var reporter = await hosts.NewCustomerAsync("Writing Walt", project);
        var large = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var ticket = await hosts.NewTicketAsync(project, reporter.Id);
            for (var comment = 0; comment < 9; comment++)
            {
                await hosts.Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = LargestComment }, hosts.Admin);
            }

            large.Add(ticket.Id);
        }

        var small = (await hosts.NewTicketAsync(project, reporter.Id)).Id;
        var pages = new List<ListTicketsResponse>();
        var token = string.Empty;
        do
        {
            var page = await hosts.Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = project, PageSize = 200, PageToken = token }, hosts.Admin);
            pages.Add(page);
            token = page.NextPageToken;
        }
        while (token.Length > 0 && pages.Count < 10);

        Assert.True(pages.Count > 1, "the first page should have ended early");
        Assert.All(pages, page => Assert.InRange(page.CalculateSize(), 1, 4 * 1024 * 1024));
        Assert.Equal([small, .. Enumerable.Reverse(large)], pages.SelectMany(page => page.Tickets).Select(ticket => ticket.Id));
    }
}
