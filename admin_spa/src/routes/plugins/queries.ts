import { graphql } from '../../gql';

export const PluginFields = graphql(`
  fragment PluginFields on Plugin {
    name
    version
    title
    description
    coreRange
    compatible
    problem
    alwaysOn
    enabled
    config
    configSchema
    adminPages {
      path
      moduleUrl
      title
      permission
    }
  }
`);

export const PluginsQuery = graphql(`
  query Plugins {
    plugins {
      ...PluginFields
    }
  }
`);

/** What the menu and a plugin's page need: the enabled plugins' pages (titles in the UI's language). */
export const PluginPagesQuery = graphql(`
  query PluginPages {
    plugins {
      name
      title
      compatible
      enabled
      adminPages {
        path
        moduleUrl
        title
        permission
      }
    }
  }
`);

export const EnablePluginMutation = graphql(`
  mutation EnablePlugin($name: String!, $config: JSON) {
    enablePlugin(name: $name, config: $config) {
      plugin {
        ...PluginFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const DisablePluginMutation = graphql(`
  mutation DisablePlugin($name: String!) {
    disablePlugin(name: $name) {
      plugin {
        ...PluginFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);
