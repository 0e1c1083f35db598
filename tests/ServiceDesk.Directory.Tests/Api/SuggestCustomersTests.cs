using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Directory.Tests.Api;

[Collection(DirectoryApiCollection.Name)]
public sealed class SuggestCustomersTests(DirectoryHostFixture directory)
{
    private DirectoryService.DirectoryServiceClient Client => directory.Client;

    private async Task<IReadOnlyList<CustomerSuggestion>> SuggestAsync(string project, string text, int limit = 10) =>
        (await Client.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = project, Text = text, Limit = limit })).Suggestions;

    [Fact]
    public async Task Name_word_prefixes_rank_before_address_prefixes_each_in_display_name_order()
    {
        var project = await directory.NewProjectAsync();
        var domain = $"{TestData.Id()}.example";
        var zoe = await directory.NewCustomerAsync("Zoe Alexander", $"zoe@{domain}", project);
        var alex = await directory.NewCustomerAsync("Alex Brown", $"brown@{domain}", project);
        var bea = await directory.NewCustomerAsync("Bea Address", $"alexis@{domain}", project);
        var aaron = await directory.NewCustomerAsync("Aaron Domain", $"aaron@alexcorp-{domain}", project);
        var yan = await directory.NewCustomerAsync("Yan Alex", $"alex.yan@{domain}", project);
        await directory.NewCustomerAsync("Carl Nomatch", $"carl@{domain}", project);

        var suggestions = await SuggestAsync(project, "alex");

        Assert.Equal(
            [
                (alex.Id, SuggestionMatch.NameWordPrefix),
                (yan.Id, SuggestionMatch.NameWordPrefix),
                (zoe.Id, SuggestionMatch.NameWordPrefix),
                (aaron.Id, SuggestionMatch.AddressPrefix),
                (bea.Id, SuggestionMatch.AddressPrefix),
            ],
            suggestions.Select(suggestion => (suggestion.CustomerId, suggestion.Match)));
        Assert.Equal(("Alex Brown", alex.Address), (suggestions[0].DisplayName, suggestions[0].Address));
    }

    [Fact]
    public async Task The_exact_address_ranks_first()
    {
        var project = await directory.NewProjectAsync();
        var domain = $"{TestData.Id()}.example";
        var exact = await directory.NewCustomerAsync("Zed Exact", $"alex@{domain}", project);
        var longer = await directory.NewCustomerAsync("Amy Longer", $"alex@{domain}.org", project);
        var named = await directory.NewCustomerAsync($"Alex {domain}", $"other@{domain}", project);

        var suggestions = await SuggestAsync(project, $"ALEX@{domain}");

        Assert.Equal(
            [(exact.Id, SuggestionMatch.ExactAddress), (named.Id, SuggestionMatch.NameWordPrefix), (longer.Id, SuggestionMatch.AddressPrefix)],
            suggestions.Select(suggestion => (suggestion.CustomerId, suggestion.Match)));
    }

    [Theory]
    [InlineData("jose")]
    [InlineData("JOSE")]
    [InlineData("José")]
    [InlineData("Jose\u0301")]
    [InlineData("ALV")]
    [InlineData("álv")]
    [InlineData("jose alv")]
    [InlineData("José Álvarez")]
    public async Task Names_match_regardless_of_case_and_accents(string text)
    {
        var project = await directory.NewProjectAsync();
        var jose = await directory.NewCustomerAsync("José Álvarez", TestData.Address("pepe"), project);

        var suggestion = Assert.Single(await SuggestAsync(project, text));

        Assert.Equal((jose.Id, SuggestionMatch.NameWordPrefix, "José Álvarez"), (suggestion.CustomerId, suggestion.Match, suggestion.DisplayName));
    }

    [Theory]
    [InlineData("pepe.gar", SuggestionMatch.AddressPrefix)]
    [InlineData("PEPE.GARCÍA@", SuggestionMatch.AddressPrefix)]
    [InlineData("correo-", SuggestionMatch.AddressPrefix)]
    [InlineData("Corréo-Ejemplo", SuggestionMatch.AddressPrefix)]
    [InlineData("pepe.garcia@correo-ejemplo.es", SuggestionMatch.ExactAddress)]
    public async Task Addresses_match_by_local_part_or_domain_prefix_regardless_of_case_and_accents(string text, SuggestionMatch match)
    {
        var project = await directory.NewProjectAsync();
        // The local part holds an accent; the display name shares no word with the address.
        var pepe = await directory.NewCustomerAsync("Señor X", "pepe.garcía@correo-ejemplo.es", project);

        try
        {
            var suggestion = Assert.Single(await SuggestAsync(project, text));

            Assert.Equal((pepe.Id, match), (suggestion.CustomerId, suggestion.Match));
        }
        finally
        {
            // The address is unique across projects: rename it away for the next case.
            await Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = pepe.Id, Address = TestData.Address() });
        }
    }

    [Theory]
    [InlineData("ejemplo")]
    [InlineData("arcia")]
    [InlineData("lvarez")]
    public async Task Text_inside_a_word_or_a_domain_does_not_match(string text)
    {
        var project = await directory.NewProjectAsync();
        await directory.NewCustomerAsync("José Álvarez", $"pepe.garcia@correo-ejemplo-{TestData.Id()}.es", project);

        Assert.Empty(await SuggestAsync(project, text));
    }

    [Fact]
    public async Task Only_customers_of_the_project_are_suggested()
    {
        var help = await directory.NewProjectAsync();
        var sales = await directory.NewProjectAsync();
        var name = $"Quentin{TestData.Id()[..8]}";
        var inHelp = await directory.NewCustomerAsync($"{name} Help", TestData.Address(), help);
        var inSales = await directory.NewCustomerAsync($"{name} Sales", TestData.Address(), sales);

        Assert.Equal([inHelp.Id], (await SuggestAsync(help, name)).Select(suggestion => suggestion.CustomerId));

        await Client.AddToProjectAsync(new AddToProjectRequest { CustomerId = inSales.Id, ProjectKey = help });
        Assert.Equal([inHelp.Id, inSales.Id], (await SuggestAsync(help, name)).Select(suggestion => suggestion.CustomerId));

        await Client.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = inHelp.Id, ProjectKey = help });
        Assert.Equal([inSales.Id], (await SuggestAsync(help, name)).Select(suggestion => suggestion.CustomerId));
    }

    [Fact]
    public async Task An_updated_profile_is_suggested_by_its_new_name_only()
    {
        var project = await directory.NewProjectAsync();
        var jane = await directory.NewCustomerAsync("Jane Doe", TestData.Address("jane"), project);

        await Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = jane.Id, DisplayName = "Mary Roe" });

        Assert.Empty(await SuggestAsync(project, "doe"));
        Assert.Equal([jane.Id], (await SuggestAsync(project, "roe")).Select(suggestion => suggestion.CustomerId));
    }

    [Fact]
    public async Task The_limit_keeps_the_best_ranked()
    {
        var project = await directory.NewProjectAsync();
        var created = new List<Customer>();
        foreach (var name in new[] { "Kim E", "Kim B", "Kim D", "Kim A", "Kim C" })
        {
            created.Add(await directory.NewCustomerAsync(name, TestData.Address(), project));
        }

        var suggestions = await SuggestAsync(project, "kim", limit: 3);

        Assert.Equal(["Kim A", "Kim B", "Kim C"], suggestions.Select(suggestion => suggestion.DisplayName));
        Assert.Equal(5, (await SuggestAsync(project, "kim", limit: 50)).Count);
    }

    [Fact]
    public async Task A_name_comes_before_the_longer_names_it_begins()
    {
        var project = await directory.NewProjectAsync();
        var names = new[] { "Jo Ann", "Jo", "Jo-Ann Smith", "Joan" };
        foreach (var name in names)
        {
            await directory.NewCustomerAsync(name, TestData.Address(), project);
        }

        var suggestions = await SuggestAsync(project, "jo");

        Assert.Equal(["Jo", "Jo Ann", "Jo-Ann Smith", "Joan"], suggestions.Select(suggestion => suggestion.DisplayName));
    }

    [Fact]
    public async Task Text_without_letters_or_digits_suggests_nobody()
    {
        var project = await directory.NewProjectAsync();
        await directory.NewCustomerAsync("Jane Doe", TestData.Address(), project);

        Assert.Empty(await SuggestAsync(project, "-"));
    }

    [Fact]
    public async Task A_request_without_a_limit_gets_at_most_ten()
    {
        var project = await directory.NewProjectAsync();
        for (var i = 0; i < 12; i++)
        {
            await directory.NewCustomerAsync($"Tenley {i:D2}", TestData.Address(), project);
        }

        Assert.Equal(10, (await SuggestAsync(project, "tenley", limit: 0)).Count);
        Assert.Equal(12, (await SuggestAsync(project, "tenley", limit: 50)).Count);
    }

    [Theory]
    [InlineData(51)]
    [InlineData(-1)]
    public async Task A_limit_outside_0_to_50_is_invalid(int limit)
    {
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = "HELP", Text = "ja", Limit = limit }));

        Assert.Equal(["limit"], error.Fields());
    }

    [Fact]
    public async Task Empty_text_and_a_malformed_project_are_invalid_and_an_unknown_project_is_not_found()
    {
        var invalid = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = "help", Text = " ", Limit = 5 }));
        var tooLong = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = "HELP", Text = new string('a', 255), Limit = 5 }));
        var unknown = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = "NOSUCH", Text = "ja", Limit = 5 }));

        Assert.Equal(["project_key", "text"], invalid.Fields().Order());
        Assert.Equal(["text"], tooLong.Fields());
        Assert.Equal(["project_key"], unknown.Fields());
        Assert.Equal("NOSUCH", unknown.ResourceName());
    }
}
