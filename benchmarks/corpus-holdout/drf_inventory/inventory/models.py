from django.conf import settings
from django.db import models


class Warehouse(models.Model):
    name = models.CharField(max_length=100)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)


class Supplier(models.Model):
    name = models.CharField(max_length=100)
    contact_email = models.EmailField()


class Item(models.Model):
    sku = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    quantity = models.IntegerField(default=0)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="items")
    supplier = models.ForeignKey(Supplier, null=True, on_delete=models.SET_NULL)
