namespace ServiceDesk.Directory.Customers;

/// <summary>What the picker needs of a stored customer: to confirm a suggestion (projects, and the name and address it is found by) and to show it.</summary>
public sealed record CustomerSummary(string Id, string Address, string DisplayName, IReadOnlyList<string> ProjectKeys);
