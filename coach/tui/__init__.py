"""The Textual shell: screens and widgets that render the core's state and forward intent."""
