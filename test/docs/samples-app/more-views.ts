// A lazy module of the app, which router.md and guide.md samples import(): it defines its views.
export {};
