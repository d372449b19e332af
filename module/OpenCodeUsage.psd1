@{
    RootModule           = 'OpenCodeUsage.dll'
    RequiredAssemblies   = @('OpenCodeUsage.Models.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f3c7e-2d7a-4c61-9f4e-8a1d2c6e9b37'
    Author               = 'OpenCodeUsage contributors'
    CompanyName          = 'OpenCodeUsage'
    Copyright            = '(c) OpenCodeUsage contributors. MIT License.'
    Description          = 'Cost, token and activity reports for the OpenCode AI coding agent, read from the data OpenCode keeps on disk.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('OpenCodeUsage.format.ps1xml')
    TypesToProcess       = @('OpenCodeUsage.types.ps1xml')
    CmdletsToExport      = @(
        'Get-OpenCodeSession'
        'Get-OpenCodeUsage'
        'Get-OpenCodeCredential'
        'Set-OpenCodeGoCookie'
        'Get-OpenCodeGoQuota'
        'Watch-OpenCodeActivity'
        'Export-OpenCodeStats'
        'Invoke-OpenCodeDelegate'
        'Export-OpenCodeMetrics'
        'Get-OpenCodeToolUsage'
        'Export-OpenCodeReport'
        'Show-OpenCodeChart'
        'New-OpenCodeBudget'
        'Test-OpenCodeBudget'
        'Watch-OpenCodeBudget'
        'Get-OpenCodePermissionRequest'
        'Approve-OpenCodePermissionRequest'
        'Deny-OpenCodePermissionRequest'
        'Get-OpenCodeQuestion'
        'Submit-OpenCodeAnswer'
        'Deny-OpenCodeQuestion'
        'Get-OpenCodeService'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('OpenCode', 'AI', 'LLM', 'Usage', 'Cost', 'Tokens', 'SQLite', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'See README.md.'
        }
    }
}
